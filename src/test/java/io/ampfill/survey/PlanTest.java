package io.ampfill.survey;

import io.ampfill.event.MappedEvent;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class PlanTest {
    static final long NOW = 1_800_000_000_000L;
    final Plan plan = new Plan(300, 8, 2000);

    static MappedEvent event(String device, String user, long time) {
        return new MappedEvent(device, user, "id", time, new byte[0], 0);
    }

    @Test
    void an_id_under_the_daily_quota_takes_its_events_at_its_rate() {
        assertThat(plan.timeFor(6_000)).isEqualTo(Duration.ofSeconds(20));
        assertThat(plan.timeFor(500_000)).isEqualTo(Duration.ofMillis(1_666_667));
        assertThat(Plan.quotaDays(500_000)).isEqualTo(1);
    }

    @Test
    void an_id_over_the_daily_quota_waits_a_day_for_each_full_quota_before_its_last_events() {
        assertThat(Plan.quotaDays(1_200_000)).isEqualTo(3);
        assertThat(plan.timeFor(1_200_000)).isEqualTo(Duration.ofDays(2).plusMillis(666_667));
        assertThat(new Plan(0, 8, 2000).timeFor(1_200_000)).as("unpaced").isEqualTo(Duration.ofDays(2));
        assertThat(Plan.format(plan.timeFor(1_200_000))).isEqualTo("2d 0h 11m");
    }

    @Test
    void the_run_is_bounded_by_its_slowest_device_or_by_its_events_at_the_throughput_whichever_is_longer() {
        Survey skewed = new Survey(NOW);
        for (int i = 0; i < 6_000; i++) {
            skewed.add("a", i, event("heavy-device", null, NOW));
        }
        for (int i = 0; i < 1_000; i++) {
            skewed.add("a", i, event("light-" + i, null, NOW));
        }
        Plan.Estimate slowest = plan.estimate(skewed);
        assertThat(slowest.duration()).isEqualTo(Duration.ofSeconds(20));
        assertThat(slowest.boundBy()).startsWith("the slowest device, heavy-device: 6,000 events at 300 events/s");

        // 100,000 devices of 10 events: 1,000,000 events at 8 requests of 2,000 a second
        Survey wide = new Survey(NOW);
        for (int i = 0; i < 1_000_000; i++) {
            wide.add("b", i, event("device-" + i % 100_000, null, NOW));
        }
        Plan.Estimate total = plan.estimate(wide);
        assertThat(total.duration()).isEqualTo(Duration.ofMillis(62_500));
        assertThat(total.boundBy()).startsWith("all 1,000,000 events at about 16,000 events/s");
    }

    @Test
    void the_survey_counts_old_events_and_the_time_range() {
        Survey survey = new Survey(NOW);
        survey.add("f", 1, event("device-1", "user-1", NOW - Duration.ofDays(30).toMillis()));
        survey.add("f", 2, event("device-1", "user-1", NOW - Duration.ofDays(30).toMillis() + 1));
        survey.add("f", 3, new io.ampfill.event.Refused(io.ampfill.source.SourceRecord.Unreadable.text(3, "x", "not valid JSON"),
                "not valid JSON: it ends"));

        assertThat(survey.old()).isEqualTo(1);
        assertThat(survey.earliest()).isEqualTo(NOW - Duration.ofDays(30).toMillis());
        assertThat(survey.records()).isEqualTo(3);
        assertThat(survey.rejects()).containsOnlyKeys("not valid JSON");
        assertThat(survey.rejects().get("not valid JSON").examples()).containsExactly("f:3");
        assertThat(survey.clean()).isFalse();
    }

    @Test
    void past_the_ids_it_counts_exactly_the_sketch_still_finds_every_id_over_the_quota_and_estimates_the_rest() {
        IdCounts devices = new IdCounts();
        int light = 3 * IdCounts.EXACT_IDS;
        for (int i = 0; i < 600_000; i++) {
            devices.add("heavy");
            if (i < light) {
                devices.add("light-" + i);
            }
        }

        assertThat(devices.exact()).isFalse();
        assertThat(devices.over(Plan.DAILY_QUOTA)).singleElement().satisfies(heavy -> {
            assertThat(heavy.id()).isEqualTo("heavy");
            assertThat(heavy.lower()).isLessThanOrEqualTo(600_000).isGreaterThan(600_000 - devices.maximumError() - 1);
            assertThat(heavy.upper()).isGreaterThanOrEqualTo(600_000);
        });
        assertThat((double) devices.distinct()).isCloseTo(light + 1, org.assertj.core.data.Percentage.withPercentage(2));
        assertThat(devices.heaviest(1)).extracting(IdCounts.Count::id).containsExactly("heavy");
    }

    @Test
    void under_the_ids_it_holds_every_count_is_exact() {
        IdCounts users = new IdCounts();
        for (int i = 0; i < 1000; i++) {
            users.add("user-" + i % 10);
        }
        assertThat(users.exact()).isTrue();
        assertThat(users.distinct()).isEqualTo(10);
        assertThat(users.heaviest(20)).hasSize(10).allMatch(c -> c.exact() && c.estimate() == 100);
    }
}

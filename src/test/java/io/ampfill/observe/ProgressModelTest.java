package io.ampfill.observe;

import io.ampfill.delivery.LaneGauges;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Progress and its ETA on a clock of the test's own: readings given at chosen times, nothing waited for. */
class ProgressModelTest {
    private static final long S = 1_000_000_000L;
    private static final long BYTES = 1_000_000;

    private final ProgressModel model = new ProgressModel();

    /** Every record read already; delivered events so far; the heavy device's events still held at 291/s. */
    private static ProgressReading allRead(long records, long delivered, long heavyLeft) {
        LaneGauges lanes = new LaneGauges(records - delivered, 0, 0,
                heavyLeft == 0 ? null : new LaneGauges.SlowestDevice("heavy-device", heavyLeft, 291, 0), 0, 8);
        return new ProgressReading(records, delivered, 0, 0, 0, BYTES, BYTES, -1, lanes);
    }

    @Test
    void one_heavy_device_pacing_the_end_of_the_run_sets_the_eta_not_the_throughput() {
        // 100 light devices' 20,000 events go out in 5 s while the heavy device's 6,000 go at 291/s: after 5 s the
        // throughput (over 4,300 events/s) would say a second is left; the heavy device needs 4,545 / 291 = 15.6 s
        for (int t = 0; t <= 5; t++) {
            long heavySent = 291L * t;
            model.update(t * S, allRead(26_000, Math.min(20_000, 4_000L * t) + heavySent, 6_000 - heavySent));
        }
        Progress p = model.update(5 * S, allRead(26_000, 20_000 + 1_455, 4_545));

        assertThat(p.eta()).isEqualTo(Duration.ofMillis(15_619));
        assertThat(p.slowestBound()).isTrue();
        assertThat(ProgressLine.line(p)).startsWith("delivered 21,455 of 26,000 (82%) · ETA 16s · ")
                .contains("slowest device heavy-device: 4,545 events at 291/s");
    }

    @Test
    void one_device_alone_is_done_when_its_events_at_its_rate_are_out() {
        // the run: one device's 6,000 events at 300/s (291 with ampfill's margin), all read at once
        Progress p = null;
        for (int t = 0; t <= 7; t++) {
            p = model.update(t * S, allRead(6_000, 291L * t, 6_000 - 291L * t));
        }

        assertThat(p.eventsPerSecond()).isEqualTo(291);
        assertThat(p.eta().toMillis()).isEqualTo(Math.round((6_000 - 7 * 291) / 291.0 * 1000));
    }

    @Test
    void with_part_of_the_input_read_the_total_is_estimated_from_the_bytes_and_the_eta_from_the_rate() {
        // a quarter of the bytes gave 1,000 records: 4,000 in all; 100 delivered a second over the last 10 s
        ProgressReading early = new ProgressReading(1_000, 100, 0, 0, 0, BYTES / 4, BYTES, -1, LaneGauges.NONE);
        ProgressReading later = new ProgressReading(1_000, 900, 0, 3, 2, BYTES / 4, BYTES, -1, LaneGauges.NONE);
        model.update(0, early);
        Progress p = model.update(8 * S, later);

        assertThat(p.recordsTotal()).isEqualTo(4_000);
        assertThat(p.eventsPerSecond()).isEqualTo(100);
        assertThat(p.eta()).isEqualTo(Duration.ofSeconds(31));
        assertThat(p.slowestBound()).isFalse();
        assertThat(ProgressLine.line(p)).isEqualTo("delivered 900 of ~4,000 (22%) · ETA 31s · 100 ev/s · read 25% of 976.6 KB"
                + " · retries 3 · 429s 2 · dead-lettered 0 · paused devices 0");
    }

    @Test
    void the_rate_now_forgets_what_went_before_the_last_ten_seconds() {
        model.update(0, allRead(100_000, 0, 0));
        model.update(5 * S, allRead(100_000, 50_000, 0)); // a fast start
        for (int t = 6; t <= 20; t++) {
            model.update(t * S, allRead(100_000, 50_000 + 100L * (t - 5), 0)); // then 100 a second
        }
        Progress p = model.update(21 * S, allRead(100_000, 51_600, 0));

        assertThat(p.eventsPerSecond()).isEqualTo(100);
    }

    @Test
    void with_nothing_moving_and_no_paced_device_the_eta_is_unknown_not_zero() {
        model.update(0, allRead(500, 0, 0));
        Progress p = model.update(3 * S, allRead(500, 0, 0));

        assertThat(p.eta()).isNull();
        assertThat(ProgressLine.line(p)).contains("ETA ?");
    }

    @Test
    void a_table_whose_rows_were_counted_has_a_known_total() {
        Progress p = model.update(0, new ProgressReading(300, 0, 0, 0, 0, 0, 0, 1_200, LaneGauges.NONE));

        assertThat(p.recordsTotal()).isEqualTo(1_200);
        assertThat(ProgressLine.line(p)).startsWith("delivered 0 of ~1,200 (0%)").contains("read 300");
    }
}

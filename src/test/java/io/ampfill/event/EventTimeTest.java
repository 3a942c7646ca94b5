package io.ampfill.event;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class EventTimeTest {

    @Test
    void agrees_with_java_time_on_random_instants_and_offsets() {
        SplittableRandom random = new SplittableRandom(42);
        DateTimeFormatter withOffset = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxxx");
        for (int i = 0; i < 20_000; i++) {
            long millis = random.nextLong(-2_000_000_000_000L, 4_000_000_000_000L);
            ZoneOffset offset = ZoneOffset.ofTotalSeconds(random.nextInt(-18 * 4, 18 * 4 + 1) * 900);
            String text = Instant.ofEpochMilli(millis).atOffset(offset).format(withOffset);
            assertThat(EventTime.iso(text)).as(text).isEqualTo(millis);
        }
    }

    @Test
    void reads_years_of_more_than_four_digits_and_before_year_one_as_java_time_does() {
        SplittableRandom random = new SplittableRandom(43);
        for (int i = 0; i < 5_000; i++) {
            long seconds = random.nextLong(Instant.parse("-99999-01-01T00:00:00Z").getEpochSecond(),
                    Instant.parse("+999999-12-31T23:59:59Z").getEpochSecond());
            Instant instant = Instant.ofEpochSecond(seconds, random.nextInt(1000) * 1_000_000L);
            String text = instant.toString(); // +10000-..., -0001-...: ISO-8601's expanded years
            assertThat(EventTime.iso(text)).as(text).isEqualTo(instant.toEpochMilli());
        }
        assertThat(EventTime.iso("10000-01-01T00:00:00Z")).as("without its sign")
                .isEqualTo(Instant.parse("+10000-01-01T00:00:00Z").toEpochMilli());
        assertThat(EventTime.iso("+275760-09-13T00:00:00Z")).isEqualTo(Instant.parse("+275760-09-13T00:00:00Z").toEpochMilli());
        assertThat(EventTime.iso("+999999999-12-31T23:59:59Z")).as("beyond a long's milliseconds").isEqualTo(EventTime.FAR_FUTURE);
        assertThat(EventTime.iso("-999999999-01-01T00:00:00Z")).isEqualTo(EventTime.FAR_PAST);
        assertThat(EventTime.iso("+1234567890-01-01T00:00:00Z")).as("ten digits").isEqualTo(EventTime.NOT_A_TIME);
        assertThat(EventTime.iso("+202-03-01T00:00:00Z")).isEqualTo(EventTime.NOT_A_TIME);
    }

    @Test
    void reads_leap_days_and_rejects_days_that_do_not_exist() {
        assertThat(EventTime.iso("2024-02-29T00:00:00Z")).isEqualTo(Instant.parse("2024-02-29T00:00:00Z").toEpochMilli());
        assertThat(EventTime.iso("2000-02-29T00:00:00Z")).isEqualTo(Instant.parse("2000-02-29T00:00:00Z").toEpochMilli());
        assertThat(EventTime.iso("2023-02-29T00:00:00Z")).isEqualTo(EventTime.NOT_A_TIME);
        assertThat(EventTime.iso("1900-02-29T00:00:00Z")).isEqualTo(EventTime.NOT_A_TIME);
        assertThat(EventTime.iso("2024-04-31T00:00:00Z")).isEqualTo(EventTime.NOT_A_TIME);
    }

    @Test
    void reads_minutes_only_offsets_without_colon_and_hour_only_offsets() {
        long noon = Instant.parse("2024-03-01T12:00:00Z").toEpochMilli();
        assertThat(EventTime.iso("2024-03-01T12:00Z")).isEqualTo(noon);
        assertThat(EventTime.iso("2024-03-01T17:30:00+0530")).isEqualTo(noon);
        assertThat(EventTime.iso("2024-03-01T14:00:00+02")).isEqualTo(noon);
        assertThat(EventTime.iso("2024-03-01t12:00:00z")).isEqualTo(noon);
        assertThat(EventTime.iso("2024-03-01T12:00:00.1Z")).isEqualTo(noon + 100);
        assertThat(EventTime.iso("2024-03-01T12:00:00.123456789Z")).isEqualTo(noon + 123);
    }

    @Test
    void rejects_malformed_timestamps_without_throwing() {
        for (String bad : new String[] {"", "2024", "2024-03-01", "2024-13-01T00:00:00Z", "2024-03-01T12:60:00Z", "2024-03-01T12:00:61Z",
                "2024-03-01T12:00:00.Z", "2024-03-01T12:00:00+19:00", "2024-03-01T12:00:00+02:0", "2024-03-01X12:00:00Z",
                "2024-03-01T12:00:00Zjunk", "２０２４-03-01T12:00:00Z", "2024-03-01T12:00:00.1234567890Z"}) {
            assertThat(EventTime.iso(bad)).as(bad).isEqualTo(EventTime.NOT_A_TIME);
        }
    }
}

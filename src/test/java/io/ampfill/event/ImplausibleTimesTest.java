package io.ampfill.event;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A time whose size says it is not milliseconds, or that lies before 1970 or beyond now plus the allowed time ahead,
 * is refused with the reason by the tree path, and never taken by the line path; a plausible one is taken by both
 * alike. "Now" is a fixed clock.
 */
class ImplausibleTimesTest {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
    static final MappingSettings SETTINGS = new MappingSettings().clock(Clock.fixed(NOW, ZoneOffset.UTC));
    private static final long NOON = 1709294400000L;

    private static String line(String field, String time) {
        return "{\"event_type\":\"play\",\"device_id\":\"device-1\",\"" + field + "\":" + time + "}";
    }

    private static MappingResult tree(MappingSettings settings, String line) {
        try {
            return new TreeMapper(settings).map(JSON.readTree(line));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static MappedEvent lineMapped(MappingSettings settings, String line) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        return new LineMapper(settings).tryMap(bytes, 0, bytes.length);
    }

    /** The reason the record is refused with; the line path must leave it to the tree path. */
    private static String refused(MappingSettings settings, String field, String time) {
        String line = line(field, time);
        assertThat(lineMapped(settings, line)).as("the line path must not take %s", line).isNull();
        MappingResult result = tree(settings, line);
        assertThat(result).as(line).isInstanceOf(Rejection.class);
        assertThat(((Rejection) result).field()).isEqualTo("time");
        return ((Rejection) result).reason();
    }

    private static String refused(String time) {
        return refused(SETTINGS, "time", time);
    }

    /** The time sent; where the line path takes the line, it sends the same. */
    private static long accepted(MappingSettings settings, String field, String time) {
        String line = line(field, time);
        MappingResult result = tree(settings, line);
        assertThat(result).as(line).isInstanceOf(MappedEvent.class);
        long sent = timeOf((MappedEvent) result);
        MappedEvent viaLine = lineMapped(settings, line);
        if (viaLine != null) {
            assertThat(timeOf(viaLine)).as("line path, %s", line).isEqualTo(sent);
            assertThat(viaLine.insertId()).isEqualTo(((MappedEvent) result).insertId());
        }
        return sent;
    }

    private static long accepted(String time) {
        return accepted(SETTINGS, "time", time);
    }

    private static long timeOf(MappedEvent event) {
        try {
            return JSON.readTree(event.json()).get("time").longValue();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void rejects_epoch_microseconds_with_the_reason() {
        assertThat(refused("1709294400000000")).isEqualTo("time looks like microseconds, not milliseconds: 1709294400000000");
        assertThat(refused("\"1709294400000000\"")).isEqualTo("time looks like microseconds, not milliseconds: 1709294400000000");
        assertThat(refused("100000000000000")).isEqualTo("time looks like microseconds, not milliseconds: 100000000000000");
        assertThat(refused("1.7092944E15")).isEqualTo("time looks like microseconds, not milliseconds: 1.7092944E15");
        assertThat(refused("\"1709294400000000.5\"")).isEqualTo("time looks like microseconds, not milliseconds: 1709294400000000.5");
    }

    @Test
    void rejects_epoch_nanoseconds_with_the_reason() {
        assertThat(refused("1709294400000000000")).isEqualTo("time looks like nanoseconds, not milliseconds: 1709294400000000000");
        assertThat(refused("\"1709294400000000000\"")).isEqualTo("time looks like nanoseconds, not milliseconds: 1709294400000000000");
        assertThat(refused("9223372036854775807")).isEqualTo("time looks like nanoseconds, not milliseconds: 9223372036854775807");
        assertThat(refused("\"17092944000000000000\"")).as("digits past a long")
                .isEqualTo("time looks like nanoseconds, not milliseconds: 17092944000000000000");
        assertThat(refused("17092944000000000000")).isEqualTo("time looks like nanoseconds, not milliseconds: 17092944000000000000");
    }

    @Test
    void rejects_times_beyond_the_horizon_in_every_form() {
        String ahead = "time is more than 1d in the future (backfill.max-time-ahead): ";
        long horizon = NOW.plus(Duration.ofDays(1)).toEpochMilli();
        assertThat(accepted(Long.toString(horizon))).isEqualTo(horizon);
        assertThat(refused(Long.toString(horizon + 1))).isEqualTo(ahead + (horizon + 1) + " (2026-12-05T12:00:00.001Z)");
        assertThat(refused("32503680000000")).isEqualTo(ahead + "32503680000000 (3000-01-01T00:00:00Z)");
        assertThat(refused("99999999999999")).as("the last number that may be milliseconds").isEqualTo(ahead + "99999999999999 (5138-11-16T09:46:39.999Z)");
        assertThat(refused("\"3000-01-01T00:00:00Z\"")).isEqualTo(ahead + "\"3000-01-01T00:00:00Z\"");
        assertThat(refused("\"2026-12-05 12:00:00.001000\"")).isEqualTo(ahead + "\"2026-12-05 12:00:00.001000\"");
        assertThat(refused("\"+10000-01-01T00:00:00Z\"")).isEqualTo(ahead + "\"+10000-01-01T00:00:00Z\"");
        assertThat(refused("\"10000-01-01T00:00:00Z\"")).isEqualTo(ahead + "\"10000-01-01T00:00:00Z\"");
        assertThat(refused("\"+275760-09-13T00:00:00Z\"")).isEqualTo(ahead + "\"+275760-09-13T00:00:00Z\"");
        assertThat(refused("\"+999999999-12-31T23:59:59Z\"")).isEqualTo(ahead + "\"+999999999-12-31T23:59:59Z\"");
        assertThat(refused("123456789012345678901234")).isEqualTo(ahead + "123456789012345678901234");
        assertThat(refused("1e20")).isEqualTo(ahead + "1.0E20");
        // Amplitude's export name for the time is judged the same way
        assertThat(refused(SETTINGS, "event_time", "\"3000-01-01 00:00:00.000000\"")).isEqualTo(ahead + "\"3000-01-01 00:00:00.000000\"");
        assertThat(accepted(SETTINGS, "event_time", "\"2024-03-01 12:00:00.123456\"")).isEqualTo(NOON + 123);
    }

    @Test
    void rejects_times_before_1970_without_calling_them_seconds() {
        assertThat(refused("-5")).isEqualTo("time is before 1970-01-01: -5");
        assertThat(refused("-1709294400000")).isEqualTo("time is before 1970-01-01: -1709294400000");
        assertThat(refused("\"-1709294400000\"")).isEqualTo("time is before 1970-01-01: -1709294400000");
        assertThat(refused("-1.5")).isEqualTo("time is before 1970-01-01: -1.5");
        assertThat(refused("\"1969-12-31T23:59:59.999Z\"")).isEqualTo("time is before 1970-01-01: \"1969-12-31T23:59:59.999Z\"");
        assertThat(refused("\"1960-01-01 00:00:00.000000\"")).isEqualTo("time is before 1970-01-01: \"1960-01-01 00:00:00.000000\"");
        assertThat(refused("\"-0001-01-01T00:00:00Z\"")).isEqualTo("time is before 1970-01-01: \"-0001-01-01T00:00:00Z\"");
        assertThat(refused("\"-999999999-01-01T00:00:00Z\"")).isEqualTo("time is before 1970-01-01: \"-999999999-01-01T00:00:00Z\"");
        assertThat(accepted("\"1970-01-01T00:00:00Z\"")).as("a timestamp is a date: no unit to guess").isZero();
        assertThat(refused("1700000000")).isEqualTo("time looks like seconds, not milliseconds: 1700000000");
    }

    @Test
    void judges_a_fraction_by_its_size_before_its_fraction() {
        assertThat(refused("1709294400.5")).isEqualTo("time looks like seconds, not milliseconds: 1.7092944005E9");
        assertThat(refused("\"1709294400.5\"")).as("a CSV cell").isEqualTo("time looks like seconds, not milliseconds: 1709294400.5");
        assertThat(refused("1709294400000.5")).isEqualTo("time is not whole milliseconds: 1.7092944000005E12");
        assertThat(accepted("\"1.7092944E12\"")).isEqualTo(NOON);
        assertThat(accepted("1709294400000.0")).isEqualTo(NOON);
        assertThat(refused("\"1-2\"")).isEqualTo("time is not epoch milliseconds or an ISO-8601 timestamp: \"1-2\"");
    }

    @Test
    void takes_the_horizon_from_its_setting() {
        MappingSettings yearAhead = new MappingSettings().clock(SETTINGS.clock()).maxTimeAhead(Duration.ofDays(365));
        long hundredDays = NOW.plus(Duration.ofDays(100)).toEpochMilli();
        assertThat(accepted(yearAhead, "time", Long.toString(hundredDays))).isEqualTo(hundredDays);
        assertThat(refused(SETTINGS, "time", Long.toString(hundredDays))).startsWith("time is more than 1d in the future");

        MappingSettings none = new MappingSettings().clock(SETTINGS.clock()).maxTimeAhead(Duration.ZERO);
        assertThat(accepted(none, "time", Long.toString(NOW.toEpochMilli()))).isEqualTo(NOW.toEpochMilli());
        assertThat(refused(none, "time", Long.toString(NOW.toEpochMilli() + 1))).startsWith("time is more than 0ms in the future");
        MappingSettings hours = new MappingSettings().clock(SETTINGS.clock()).maxTimeAhead(Duration.ofHours(36));
        assertThat(refused(hours, "time", "\"3000-01-01T00:00:00Z\"")).startsWith("time is more than 36h in the future");
    }

    @Test
    void reads_the_clock_only_for_a_time_past_the_horizon_it_last_read() {
        AtomicInteger reads = new AtomicInteger();
        AtomicLong now = new AtomicLong(NOW.toEpochMilli());
        Clock counting = new Clock() {
            @Override
            public long millis() {
                reads.incrementAndGet();
                return now.get();
            }

            @Override
            public Instant instant() {
                return Instant.ofEpochMilli(millis());
            }

            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }
        };
        MappingSettings settings = new MappingSettings().clock(counting);
        LineMapper lines = new LineMapper(settings);
        TreeMapper tree = new TreeMapper(settings);
        for (int i = 0; i < 1000; i++) {
            byte[] line = line("time", Long.toString(NOON + i)).getBytes(StandardCharsets.UTF_8);
            assertThat(lines.tryMap(line, 0, line.length)).isNotNull();
            assertThat(tree.map(JSON.createObjectNode().put("event_type", "play").put("device_id", "device-1")
                    .put("time", "2024-03-01T12:00:00Z"))).isInstanceOf(MappedEvent.class);
        }
        assertThat(reads.get()).as("one reading per mapper for 2000 historical events").isEqualTo(2);
        // a long run: two days later, an event of today is past the horizon first read, but not past the true one
        now.addAndGet(Duration.ofDays(2).toMillis());
        byte[] today = line("time", Long.toString(now.get())).getBytes(StandardCharsets.UTF_8);
        assertThat(lines.tryMap(today, 0, today.length)).isNotNull();
        assertThat(reads.get()).as("read again once, for the time past the first horizon").isEqualTo(3);
    }
}

package io.ampfill.delivery;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

import static org.assertj.core.api.Assertions.assertThat;

class QuotaPauseNoticesTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long PAUSE = 15 * 60 * SECOND;
    private static final long NOON = Instant.parse("2026-03-01T12:00:00Z").toEpochMilli();

    private final QuotaPauseNotices notices = new QuotaPauseNotices();

    private static String clockTime(long epochMillis) {
        return DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault()).format(Instant.ofEpochMilli(epochMillis));
    }

    @Test
    void tells_a_device_paused_for_its_quota_until_when_a_second_later_and_when_it_sends_again() {
        notices.paused("device d-00001", NOON + 900_000, PAUSE, 0);
        assertThat(notices.takeDue(SECOND - 1)).isEmpty();
        assertThat(notices.dueAt()).isEqualTo(SECOND);

        assertThat(notices.takeDue(SECOND)).containsExactly("device d-00001 is over its daily quota (429): paused until "
                + clockTime(NOON + 900_000) + " (15m 0s), then tried again with smaller batches; the other devices go on");
        assertThat(notices.dueAt()).isEqualTo(Long.MAX_VALUE);

        notices.resumed("device d-00001", PAUSE + 2 * SECOND, PAUSE + 2 * SECOND);
        assertThat(notices.takeDue(PAUSE + 3 * SECOND))
                .containsExactly("device d-00001 sends again, after 15m 2s paused for its daily quota");
    }

    @Test
    void tells_many_devices_and_users_paused_within_a_second_in_one_line() {
        for (int d = 0; d < 1000; d++) {
            notices.paused("device d-" + d, NOON + 900_000 + d, PAUSE, d * 100_000L);
        }
        notices.paused("user u-1", NOON + 901_000, PAUSE, 200_000_000L);

        assertThat(notices.takeDue(SECOND)).containsExactly("1000 devices and 1 user (device d-0, device d-1, device d-2, ...)"
                + " are over their daily quota (429): paused until " + clockTime(NOON + 900_000) + "-" + clockTime(NOON + 901_000)
                + " (15m 0s), then tried again with smaller batches; the other devices go on");
        assertThat(notices.takeDue(10 * SECOND)).isEmpty();
    }
}

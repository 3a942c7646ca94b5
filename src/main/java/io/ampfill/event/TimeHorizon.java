package io.ampfill.event;

import java.time.Clock;
import java.time.Duration;

/**
 * The latest time an event may have: now plus {@link MappingSettings#maxTimeAhead()}. The clock is read only when
 * a time passes the horizon last computed, which a backfill's historical events never do: so not once per event,
 * and a horizon grown stale over a long run is made fresh before it refuses anything.
 */
final class TimeHorizon {
    private final Clock clock;
    private final long aheadMillis;
    private final String reason;
    private volatile long latest = Long.MIN_VALUE;

    TimeHorizon(MappingSettings settings) {
        this.clock = settings.clock();
        this.aheadMillis = settings.maxTimeAhead().toMillis();
        this.reason = "time is more than " + spelled(settings.maxTimeAhead()) + " in the future (backfill.max-time-ahead)";
    }

    /** Whether epoch milliseconds lie beyond now plus the allowed time ahead. */
    boolean beyond(long millis) {
        if (millis <= latest) {
            return false;
        }
        long now = clock.millis();
        long fresh = now > Long.MAX_VALUE - aheadMillis ? Long.MAX_VALUE : now + aheadMillis;
        latest = fresh;
        return millis > fresh;
    }

    /** The rejection's words, without the value: "time is more than 1d in the future (backfill.max-time-ahead)". */
    String reason() {
        return reason;
    }

    /** A duration as the settings spell one: 1d, 36h, 90m, 500ms. */
    static String spelled(Duration duration) {
        long millis = duration.toMillis();
        long[] units = {86_400_000L, 3_600_000L, 60_000L, 1000L};
        String[] names = {"d", "h", "m", "s"};
        for (int i = 0; i < units.length; i++) {
            if (millis >= units[i] && millis % units[i] == 0) {
                return millis / units[i] + names[i];
            }
        }
        return millis + "ms";
    }
}

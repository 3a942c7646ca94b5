package io.ampfill.event;

import java.time.Clock;
import java.time.Duration;

/**
 * How records become events: the id length Amplitude is told to accept, whether events leave the user properties
 * table alone, and how far ahead of now an event's time may lie.
 */
public final class MappingSettings {
    private int minIdLength = 5;
    private boolean skipUserPropertiesSync = false;
    private Duration maxTimeAhead = Duration.ofDays(1);
    private Clock clock = Clock.systemUTC();

    public int minIdLength() {
        return minIdLength;
    }

    /** Must match the min_id_length option sent with each request (Amplitude's default is 5). */
    public MappingSettings minIdLength(int minIdLength) {
        if (minIdLength < 0) {
            throw new IllegalArgumentException("minIdLength must be >= 0: " + minIdLength);
        }
        this.minIdLength = minIdLength;
        return this;
    }

    public boolean skipUserPropertiesSync() {
        return skipUserPropertiesSync;
    }

    /** When true, every event carries $skip_user_properties_sync: historical user properties then cannot overwrite current ones. */
    public MappingSettings skipUserPropertiesSync(boolean skipUserPropertiesSync) {
        this.skipUserPropertiesSync = skipUserPropertiesSync;
        return this;
    }

    public Duration maxTimeAhead() {
        return maxTimeAhead;
    }

    /** An event whose time is later than now plus this is rejected: a backfill's events happened, so such a time is a wrong unit or a wrong year. */
    public MappingSettings maxTimeAhead(Duration maxTimeAhead) {
        if (maxTimeAhead.isNegative()) {
            throw new IllegalArgumentException("maxTimeAhead must not be negative: " + maxTimeAhead);
        }
        this.maxTimeAhead = maxTimeAhead;
        return this;
    }

    public Clock clock() {
        return clock;
    }

    /** Where "now" comes from for {@link #maxTimeAhead}; tests give a fixed one. */
    public MappingSettings clock(Clock clock) {
        this.clock = clock;
        return this;
    }
}

package io.ampfill.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** A delivery clock that moves only when a test moves it; its wall time starts at a fixed instant. */
final class TestClock implements DeliveryClock {
    static final Instant WALL_START = Instant.parse("2026-03-01T12:00:00Z");

    private final AtomicLong nanos = new AtomicLong(1_000_000_000_000L);
    private final long startNanos = nanos.get();

    @Override
    public long nanoTime() {
        return nanos.get();
    }

    @Override
    public long epochMillis() {
        return WALL_START.toEpochMilli() + (nanos.get() - startNanos) / 1_000_000;
    }

    void advance(Duration by) {
        nanos.addAndGet(by.toNanos());
    }

    /** Moves it on to this time (nanos), if it is not there yet. */
    void advanceTo(long time) {
        nanos.accumulateAndGet(time, Math::max);
    }

    /** The wall time this clock shows now. */
    Instant wallNow() {
        return Instant.ofEpochMilli(epochMillis());
    }
}

package io.ampfill.delivery;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with full jitter, capped: the wait before attempt n is uniform in
 * [0, min(cap, base * 2^(n-1))]. Full jitter spreads the resends of many devices that failed together
 * (an outage) instead of sending them back in one wave.
 */
public final class Backoff {
    private final long baseMillis;
    private final long capMillis;
    private final DoubleSupplier random;

    public Backoff(Duration base, Duration cap, DoubleSupplier random) {
        if (base.isNegative() || base.isZero() || cap.compareTo(base) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < base <= cap, got base " + base + ", cap " + cap);
        }
        this.baseMillis = base.toMillis();
        this.capMillis = cap.toMillis();
        this.random = random;
    }

    /** The ceiling of the wait before the given attempt (1 = first resend). */
    public long ceilingMillis(int attempt) {
        int doublings = Math.min(Math.max(attempt - 1, 0), 30);
        return Math.min(capMillis, baseMillis * (1L << doublings));
    }

    public Duration delay(int attempt) {
        return Duration.ofMillis((long) (random.getAsDouble() * ceilingMillis(attempt)));
    }
}

package io.ampfill.emulator;

import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * When an answer leaves, for an emulator that is far away ({@link EmulatorSettings#latency}) or overloaded
 * ({@link EmulatorSettings#capacity}): the latency, its jitter and per-megabyte part, and, past the knee, a latency that
 * grows with the requests being worked on at once; past the capacity, an overload answer. Thread-safe.
 */
final class FarAway {
    private final long latencyNanos;
    private final long jitterNanos;
    private final long nanosPerMegabyte;
    private final int knee;
    private final int capacity;
    private final Random dice;
    /** Requests admitted and not yet answered: what the server is working on. */
    private final AtomicInteger working = new AtomicInteger();

    /** A request's fate: answered normally, or refused as over capacity, after {@code delayNanos}. */
    record Admission(boolean admitted, long delayNanos) {
    }

    FarAway(EmulatorSettings settings) {
        this.latencyNanos = settings.latency().toNanos();
        this.jitterNanos = settings.latencyJitter().toNanos();
        this.nanosPerMegabyte = settings.latencyPerMegabyte().toNanos();
        this.knee = settings.capacityKnee();
        this.capacity = settings.capacity();
        this.dice = new Random(settings.seed() + 1);
    }

    /** A request of this many body bytes arrives; {@link #answered} must follow for an admitted one. */
    Admission arrive(long bodyBytes) {
        long delay = latencyNanos + nanosPerMegabyte * bodyBytes / 1_000_000;
        if (jitterNanos > 0) {
            synchronized (dice) {
                delay += (long) (dice.nextDouble() * jitterNanos);
            }
        }
        if (capacity == 0) {
            return new Admission(true, delay);
        }
        int atOnce = working.incrementAndGet();
        if (atOnce > capacity) {
            working.decrementAndGet();
            return new Admission(false, delay);
        }
        // past the knee the server shares itself among more requests: each takes longer, the total per second is flat
        return new Admission(true, atOnce <= knee ? delay : delay * atOnce / knee);
    }

    void answered(Admission admission) {
        if (capacity > 0 && admission.admitted()) {
            working.decrementAndGet();
        }
    }
}

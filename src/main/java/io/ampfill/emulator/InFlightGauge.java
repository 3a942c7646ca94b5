package io.ampfill.emulator;

/**
 * The /batch requests the emulator holds at once, from arrival to answer: the most there were, and their sum over time
 * (request-seconds), so that a benchmark can tell the mean a run kept in flight from two readings. Thread-safe.
 */
final class InFlightGauge {
    private int now;
    private int max;
    private long lastChange;
    /** The sum of (requests held) x (nanoseconds held), since the start or the last reset. */
    private double requestNanos;

    synchronized int arrived(long nanoTime) {
        advance(nanoTime);
        now++;
        max = Math.max(max, now);
        return now;
    }

    synchronized void answered(long nanoTime) {
        advance(nanoTime);
        now--;
    }

    private void advance(long nanoTime) {
        if (lastChange != 0) {
            requestNanos += (double) now * (nanoTime - lastChange);
        }
        lastChange = nanoTime;
    }

    synchronized int max() {
        return max;
    }

    /** Requests held, summed over time, in request-seconds, up to {@code nanoTime}. */
    synchronized double requestSeconds(long nanoTime) {
        advance(nanoTime);
        return requestNanos / 1e9;
    }

    /** Forgets the most and the sum; the requests held now stay counted. */
    synchronized void reset() {
        max = now;
        requestNanos = 0;
    }
}

package io.ampfill.delivery;

/**
 * Time as delivery reads it: a monotonic clock for pacing, backoff and pauses, and the wall clock for the lines it
 * prints ("paused until 14:32:05") and for a Retry-After given as a date. Handed in from outside, so that nothing in
 * delivery reads the system's clock itself and tests move time on without sleeping.
 */
public interface DeliveryClock {
    long nanoTime();

    long epochMillis();
}

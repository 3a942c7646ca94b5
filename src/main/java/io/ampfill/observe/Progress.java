package io.ampfill.observe;

import java.time.Duration;

/**
 * Progress at one moment: the counts, the records the whole input is estimated to hold, the rate now and the time left.
 *
 * @param recordsTotal   what the input holds, known or estimated from the bytes read (-1: nothing known beyond what was read)
 * @param eventsPerSecond settled per second over the last {@link ProgressModel#RATE_WINDOW} (0 before two samples)
 * @param eta            null while nothing tells how long is left
 * @param slowestBound   the ETA is that of the slowest device, not of the throughput
 */
public record Progress(ProgressReading reading, long recordsTotal, double eventsPerSecond, Duration eta, boolean slowestBound) {
}

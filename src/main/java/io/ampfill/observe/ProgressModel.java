package io.ampfill.observe;

import io.ampfill.delivery.LaneGauges;

import java.time.Duration;
import java.util.ArrayDeque;

/**
 * Turns readings of the run's counts, taken now and then on a clock handed in, into progress: how much of the input is
 * known, the rate now, and an ETA that stays honest when one heavy device paces the end of the run.
 *
 * <p>The ETA is the larger of two bounds: the records left (the input's total, known or estimated from the share of its
 * bytes read, less those settled) at the rate of the last {@link #RATE_WINDOW}, and the time the slowest device needs
 * for what it holds at its own rate (its wait first). A run of one device's 6,000 events reads them all in a moment:
 * the throughput alone would look done early while that device still needs 20 s.
 */
public final class ProgressModel {
    /** The rate "now" is measured over this much of the recent past: long enough to smooth out requests. */
    public static final Duration RATE_WINDOW = Duration.ofSeconds(10);

    /** (nanoTime, settled) samples within the rate window, oldest first. */
    private final ArrayDeque<long[]> samples = new ArrayDeque<>();

    /** Progress at {@code now} (a monotonic nanoTime), with this reading. */
    public Progress update(long now, ProgressReading reading) {
        long settled = reading.settled();
        samples.addLast(new long[]{now, settled});
        while (samples.size() > 2 && samples.peekFirst()[0] < now - RATE_WINDOW.toNanos()) {
            samples.pollFirst();
        }
        long[] oldest = samples.peekFirst();
        double rate = now > oldest[0] ? (settled - oldest[1]) * 1e9 / (now - oldest[0]) : 0;

        long total = total(reading);
        long left = Math.max(0, (total < 0 ? reading.recordsRead() : total) - settled);
        Duration byThroughput = left == 0 ? Duration.ZERO : rate > 0 ? seconds(left / rate) : null;
        LaneGauges.SlowestDevice slowest = reading.lanes().slowest();
        Duration bySlowest = slowest == null ? null : seconds(slowest.secondsLeft());
        if (bySlowest != null && (byThroughput == null || bySlowest.compareTo(byThroughput) > 0)) {
            return new Progress(reading, total, rate, bySlowest, true);
        }
        return new Progress(reading, total, rate, byThroughput, false);
    }

    /** The records of the whole input: known, or estimated from the bytes read so far; -1 when nothing tells. */
    static long total(ProgressReading reading) {
        if (reading.recordsKnown() >= 0) {
            return Math.max(reading.recordsKnown(), reading.recordsRead());
        }
        if (reading.bytesKnown() > 0 && reading.bytesRead() > 0 && reading.recordsRead() > 0) {
            if (reading.bytesRead() >= reading.bytesKnown()) {
                return reading.recordsRead();
            }
            return Math.round(reading.recordsRead() * (double) reading.bytesKnown() / reading.bytesRead());
        }
        return -1;
    }

    private static Duration seconds(double seconds) {
        return Duration.ofMillis(Math.round(seconds * 1000));
    }
}

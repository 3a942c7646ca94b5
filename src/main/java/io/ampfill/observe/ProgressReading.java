package io.ampfill.observe;

import io.ampfill.delivery.LaneGauges;

/**
 * The run's counts at one moment, as progress reads them.
 *
 * @param recordsKnown the records of the whole input when a source knows them (a table's rows, from a count); -1 when not
 * @param bytesKnown   the bytes of the input's files known so far (0: not files)
 */
public record ProgressReading(long recordsRead, long delivered, long deadLettered, long retries, long throttled,
                              long bytesRead, long bytesKnown, long recordsKnown, LaneGauges lanes) {
    /** Events with an end: delivered or dead-lettered. */
    public long settled() {
        return delivered + deadLettered;
    }
}

package io.ampfill.delivery;

import io.ampfill.ledger.SourceUnit;

/**
 * An event on its way to Amplitude: the JSON exactly as it goes into a request, the ids delivery decides
 * on, and its source position (unit + ordinal) so that its answer settles the right record in the ledger.
 */
public record OutboundEvent(
        String laneKey, String deviceId, String userId, String insertId, byte[] json,
        SourceUnit unit, long ordinal, long line) {

    public void settle() {
        unit.settle(ordinal);
    }
}

package io.ampfill.delivery;

/**
 * An event on its way to Amplitude: the JSON exactly as it goes into a request, the ids delivery decides
 * on, and its source position (origin + ordinal) so that its answer settles the right record.
 */
public record OutboundEvent(
        String laneKey, String deviceId, String userId, String insertId, byte[] json,
        EventOrigin origin, long ordinal, long line) {

    public void settle() {
        origin.settle(ordinal);
    }
}

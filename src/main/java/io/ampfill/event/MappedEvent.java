package io.ampfill.event;

/**
 * An event ready to send: its JSON bytes as they go into the request's "events" array, and what delivery (and a plan)
 * needs without re-parsing: its ids, and its time in epoch milliseconds.
 */
public record MappedEvent(String deviceId, String userId, String insertId, long time, byte[] json, int truncatedStrings)
        implements MappingResult, MappingOutcome {

    /** The lane key: device_id, else user_id (prefixed so a user id can never collide with a device id). */
    public String deviceKey() {
        return deviceId != null ? deviceId : "user:" + userId;
    }
}

package io.ampfill.delivery;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;

/**
 * An event on its way to Amplitude: the JSON exactly as it goes into a request, the ids delivery decides on, and its
 * source position (origin + ordinal) so that its answer settles the right record.
 *
 * <p>Small on purpose: against a far Amplitude hundreds of thousands of events wait for their round trips, and what
 * each holds besides its JSON is heap the garbage collector moves again and again. So the insert_id is not kept
 * beside the JSON but read from it when asked (for the line that tells of a refusal), and the lanes give the events
 * of a device their own one copy of its ids ({@link #shareIds}).
 */
public final class OutboundEvent {
    private static final JsonFactory JSON = new JsonFactory();

    private String laneKey;
    private String deviceId;
    private String userId;
    private final byte[] json;
    private final EventOrigin origin;
    private final long ordinal;
    private final long line;

    public OutboundEvent(String laneKey, String deviceId, String userId, byte[] json, EventOrigin origin, long ordinal,
                         long line) {
        this.laneKey = laneKey;
        this.deviceId = deviceId;
        this.userId = userId;
        this.json = json;
        this.origin = origin;
        this.ordinal = ordinal;
        this.line = line;
    }

    /** The lane it goes in: device_id, else user_id (prefixed). */
    public String laneKey() {
        return laneKey;
    }

    public String deviceId() {
        return deviceId;
    }

    public String userId() {
        return userId;
    }

    /** The JSON as it goes into a request's "events" array. */
    public byte[] json() {
        return json;
    }

    public EventOrigin origin() {
        return origin;
    }

    /** Its position in its origin. */
    public long ordinal() {
        return ordinal;
    }

    /** The source line (or row) it was read from. */
    public long line() {
        return line;
    }

    public void settle() {
        origin.settle(ordinal);
    }

    /** Its insert_id, read from its JSON (null if it has none). */
    public String insertId() {
        try (JsonParser parser = JSON.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (name.equals("insert_id") && value.isScalarValue()) {
                    return parser.getText();
                }
                parser.skipChildren();
            }
            return null;
        } catch (IOException notJson) {
            return null; // ampfill's own output is JSON; an event handed in as bytes of the caller's may not be
        }
    }

    /**
     * Takes the lane's own copies of its ids where they are equal to its own: a device's events then hold one string
     * per id between them, not one each. Under the lanes' lock, before the event is shared with a sender.
     *
     * @param userIdOfLane the user_id of the lane's event before this one (null: none)
     */
    void shareIds(String laneKeyOfLane, String userIdOfLane) {
        laneKey = laneKeyOfLane;
        if (deviceId != null && deviceId.equals(laneKeyOfLane)) {
            deviceId = laneKeyOfLane;
        }
        if (userId != null && userId.equals(userIdOfLane)) {
            userId = userIdOfLane;
        }
    }

    @Override
    public String toString() {
        return "OutboundEvent[lane " + laneKey + ", " + origin + " #" + ordinal + ", line " + line + "]";
    }
}

package io.ampfill.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ampfill.amplitude.AmplitudeFields;
import io.ampfill.source.RecordJson;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tree path of {@link RecordMapper}, and the statement of Amplitude's rules as ampfill applies them: turns one
 * parsed record into the exact JSON event sent to Amplitude, or a one-line rejection. Thread-safe and reusable. It never modifies the record (a rejected record is dead-lettered as it was read): it builds a new
 * top-level object that shares the record's unchanged values.
 * <ol>
 * <li>Only a JSON object is an event ("not a JSON object").</li>
 * <li>Export-file names become upload names: {@code $insert_id} -> insert_id, {@code event_time} -> time,
 *     {@code version_name} -> app_version, {@code ip_address} -> ip, {@code device_carrier} -> carrier; where a
 *     record has both, the upload name wins. Export-only fields (amplitude_id, uuid, server_upload_time, ...,
 *     listed in {@link AmplitudeFields#EXPORT_ONLY}) are dropped.</li>
 * <li>Top-level fields the upload API knows are kept; any other is moved into event_properties under its own
 *     name, unless event_properties already has that name (then event_properties' value is kept). Top-level
 *     nulls and empty strings are left out.</li>
 * <li>Types (CSV gives strings): time, session_id, event_id -> integers; price, revenue, location_lat,
 *     location_lng -> numbers; quantity -> int; $skip_user_properties_sync -> boolean; user_id, device_id,
 *     insert_id given as integers -> strings; event_properties, user_properties, groups, group_properties given
 *     as text -> parsed JSON objects. A value that does not convert is rejected, naming field and value.</li>
 * <li>time is required (a backfilled event needs its real time): epoch milliseconds, or ISO-8601 with or
 *     without offset and fraction, or the export form "2024-03-01 12:00:00.123456" (no zone = UTC); sent as
 *     epoch ms. A number is rejected when its size says seconds (below 10^11), microseconds or nanoseconds (from
 *     10^14, 10^17), or when it has a fraction; any time before 1970 or beyond now + maxTimeAhead is rejected.</li>
 * <li>event_type is a non-empty string; at least one of user_id and device_id; each id at least minIdLength
 *     characters and not one of the placeholders Amplitude refuses (null, unknown, 0, ... any case).</li>
 * <li>Property objects nest at most 40 levels (the object itself is level 1). A number beyond a double's range is
 *     rejected, with its digits, rather than sent as infinity.</li>
 * <li>Text with a lone surrogate (half of a UTF-16 pair: not Unicode, see {@link LoneSurrogates}) is rejected.</li>
 * <li>Strings over 1024 characters are sent unchanged and counted: Amplitude cuts them, the report says so.</li>
 * <li>insert_id is kept when given; otherwise derived from the event's content ({@link ContentInsertId}), so
 *     the same record sent again, from any file or format, is deduplicated by Amplitude.</li>
 * <li>With skipUserPropertiesSync, {@code "$skip_user_properties_sync": true} is added unless the record sets
 *     it; it is added after the insert_id is derived, so the setting does not change ids.</li>
 * </ol>
 */
public final class TreeMapper {
    private static final ObjectMapper JSON = RecordJson.mapper();
    private static final ObjectWriter COMPACT = JSON.writer();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String SKIP_SYNC = "$skip_user_properties_sync";

    private final int minIdLength;
    private final boolean skipUserPropertiesSync;
    private final TimeHorizon horizon;

    public TreeMapper(MappingSettings settings) {
        this.minIdLength = settings.minIdLength();
        this.skipUserPropertiesSync = settings.skipUserPropertiesSync();
        this.horizon = new TimeHorizon(settings);
    }

    /** Never throws for bad data: whatever is wrong with the record comes back as a {@link Rejection}. */
    public MappingResult map(JsonNode record) {
        if (!(record instanceof ObjectNode input)) {
            return new Rejection(null, "not a JSON object");
        }
        try {
            return mapObject(input);
        } catch (InvalidField invalid) {
            return invalid.rejection;
        }
    }

    private MappingResult mapObject(ObjectNode input) {
        // sized for the record's fields plus insert_id and the sync flag, so that it never rehashes
        ObjectNode event = new ObjectNode(NODES, new LinkedHashMap<>((input.size() + 2) * 4 / 3 + 1));
        ObjectNode unknown = placeFields(input, event);

        checkEventType(event);
        String userId = id(event, "user_id");
        String deviceId = id(event, "device_id");
        if (userId == null && deviceId == null) {
            return new Rejection(null, "missing field user_id or device_id");
        }
        JsonNode time = event.get("time");
        if (time == null) {
            return new Rejection("time", "missing field time (a backfilled event needs its real time)");
        }
        event.set("time", FieldCoercion.time(time, horizon));
        coerce(event);
        if (unknown != null) {
            moveIntoEventProperties(event, unknown);
        }
        Rejection unsendable = unsendable(event);
        if (unsendable != null) {
            return unsendable;
        }

        String insertId = textOf(event.get("insert_id"));
        if (insertId == null) {
            insertId = ContentInsertId.of(event);
            event.put("insert_id", insertId);
        }
        if (skipUserPropertiesSync && !event.has(SKIP_SYNC)) {
            event.set(SKIP_SYNC, BooleanNode.TRUE);
        }
        byte[] json = serialize(event);
        if (LoneSurrogates.inJson(json)) {
            return LoneSurrogates.rejection(event);
        }
        // a string over 1024 characters makes the event longer than that: most events need no walk
        int longStrings = json.length > AmplitudeFields.MAX_STRING_LENGTH ? longStrings(event) : 0;
        return new MappedEvent(deviceId, userId, insertId, event.get("time").longValue(), json, longStrings);
    }

    /** Copies the fields Amplitude takes into event under their upload names; returns the unknown ones (null if none). */
    private static ObjectNode placeFields(ObjectNode input, ObjectNode event) {
        ObjectNode unknown = null;
        for (Map.Entry<String, JsonNode> field : input.properties()) {
            JsonNode value = field.getValue();
            if (!present(value)) {
                continue;
            }
            String name = field.getKey();
            AmplitudeFields.Placement placement = AmplitudeFields.placement(name);
            if (placement == null) {
                if (unknown == null) {
                    unknown = NODES.objectNode();
                }
                unknown.set(name, value);
            } else if (placement.uploadName() != null
                    && !(placement.renamed() && present(input.get(placement.uploadName())))) {
                event.set(placement.uploadName(), value);
            }
        }
        return unknown;
    }

    private static boolean present(JsonNode value) {
        return value != null && !value.isNull() && !(value.isTextual() && value.textValue().isEmpty());
    }

    private static void checkEventType(ObjectNode event) {
        JsonNode eventType = event.get("event_type");
        if (eventType == null) {
            throw new InvalidField("event_type", "missing field event_type");
        }
        if (!eventType.isTextual()) {
            throw new InvalidField("event_type", "event_type is not a string: " + FieldCoercion.shown(eventType));
        }
    }

    /** The id's value after checking it, or null when the record has none. */
    private String id(ObjectNode event, String field) {
        JsonNode value = event.get(field);
        if (value == null) {
            return null;
        }
        JsonNode text = FieldCoercion.id(field, value);
        if (text != value) {
            event.set(field, text);
        }
        String id = text.textValue();
        if (AmplitudeFields.refusedId(id)) {
            throw new InvalidField(field, field + " " + text + " is a placeholder Amplitude refuses");
        }
        if (id.length() < minIdLength) {
            throw new InvalidField(field, field + " " + text + " is shorter than " + minIdLength + " characters");
        }
        return id;
    }

    /** Gives every other typed field its JSON type, in a fixed order so a record with two bad fields always names the same one. */
    private static void coerce(ObjectNode event) {
        replace(event, "insert_id", v -> FieldCoercion.id("insert_id", v));
        replace(event, "session_id", v -> FieldCoercion.integer("session_id", v, false));
        replace(event, "event_id", v -> FieldCoercion.integer("event_id", v, false));
        replace(event, "quantity", v -> FieldCoercion.integer("quantity", v, true));
        replace(event, "price", v -> FieldCoercion.number("price", v));
        replace(event, "revenue", v -> FieldCoercion.number("revenue", v));
        replace(event, "location_lat", v -> FieldCoercion.number("location_lat", v));
        replace(event, "location_lng", v -> FieldCoercion.number("location_lng", v));
        replace(event, SKIP_SYNC, v -> FieldCoercion.bool(SKIP_SYNC, v));
        for (String name : AmplitudeFields.PROPERTY_OBJECTS) {
            replace(event, name, v -> FieldCoercion.object(name, v, JSON));
        }
    }

    private interface Conversion {
        JsonNode apply(JsonNode value);
    }

    private static void replace(ObjectNode event, String field, Conversion conversion) {
        JsonNode value = event.get(field);
        if (value != null) {
            JsonNode converted = conversion.apply(value);
            if (converted != value) {
                event.set(field, converted);
            }
        }
    }

    /** Unknown top-level fields go into a copy of event_properties (the record's own object is never changed). */
    private static void moveIntoEventProperties(ObjectNode event, ObjectNode unknown) {
        ObjectNode merged = NODES.objectNode();
        JsonNode existing = event.get("event_properties");
        if (existing instanceof ObjectNode properties) {
            merged.setAll(properties);
        }
        for (Map.Entry<String, JsonNode> field : unknown.properties()) {
            merged.putIfAbsent(field.getKey(), field.getValue());
        }
        event.set("event_properties", merged);
    }

    private static final int SENDABLE = 0;
    private static final int TOO_DEEP = 1;
    private static final int TOO_LARGE = 2;

    /** A property object nested too deep, or a number beyond a double anywhere; null when neither. One walk of the event. */
    private static Rejection unsendable(ObjectNode event) {
        for (Map.Entry<String, JsonNode> field : event.properties()) {
            String name = field.getKey();
            int problem = problem(field.getValue(), AmplitudeFields.isPropertyObject(name) ? AmplitudeFields.MAX_NESTING : Integer.MAX_VALUE);
            if (problem == TOO_DEEP) {
                return new Rejection(name, name + " is nested deeper than " + AmplitudeFields.MAX_NESTING + " levels");
            }
            if (problem == TOO_LARGE) {
                TreePlace place = TreePlace.first(event, FieldCoercion::beyondDouble, key -> false);
                return FieldCoercion.tooLarge(place.field(), place.described(), place.value()).rejection;
            }
        }
        return null;
    }

    /** What node holds that cannot be sent: containers more than levels deep (itself included), or a number beyond a double. */
    private static int problem(JsonNode node, int levels) {
        if (!node.isContainerNode()) {
            return FieldCoercion.beyondDouble(node) ? TOO_LARGE : SENDABLE;
        }
        if (levels == 0) {
            return TOO_DEEP;
        }
        for (JsonNode child : node) {
            int problem = problem(child, levels - 1);
            if (problem != SENDABLE) {
                return problem;
            }
        }
        return SENDABLE;
    }

    private static int longStrings(JsonNode node) {
        if (node.isTextual()) {
            return node.textValue().length() > AmplitudeFields.MAX_STRING_LENGTH ? 1 : 0;
        }
        int count = 0;
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                if (field.getKey().length() > AmplitudeFields.MAX_STRING_LENGTH) {
                    count++;
                }
                count += longStrings(field.getValue());
            }
        } else if (node.isArray()) {
            for (JsonNode element : node) {
                count += longStrings(element);
            }
        }
        return count;
    }

    private static String textOf(JsonNode value) {
        return value == null ? null : value.textValue();
    }

    private static byte[] serialize(ObjectNode event) {
        try {
            return COMPACT.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }
}

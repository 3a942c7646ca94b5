package io.ampfill.amplitude;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Amplitude's field names in one place: what the Batch API takes, what Amplitude's export files call some of
 * them, what export files carry that an upload must not, and the id values Amplitude refuses. A package of its own,
 * below both the sources (a CSV header or a table's columns name these fields) and the mapping that applies them.
 */
public final class AmplitudeFields {

    private AmplitudeFields() {
    }

    /** Top-level fields the Batch Event Upload API takes; any other top-level field moves into event_properties. */
    public static final Set<String> UPLOAD_FIELDS = Set.of(
            "event_type", "user_id", "device_id", "time", "insert_id",
            "event_properties", "user_properties", "groups", "group_properties", "$skip_user_properties_sync",
            "app_version", "platform", "os_name", "os_version", "device_brand", "device_manufacturer", "device_model",
            "carrier", "country", "region", "city", "dma", "language", "location_lat", "location_lng", "ip",
            "price", "quantity", "revenue", "productId", "revenueType", "currency",
            "idfa", "idfv", "adid", "android_id", "event_id", "session_id", "plan");

    /** Export-file name -> upload name. The upload name wins when a record has both. */
    public static final Map<String, String> EXPORT_NAMES = Map.of(
            "$insert_id", "insert_id",
            "event_time", "time",
            "version_name", "app_version",
            "ip_address", "ip",
            "device_carrier", "carrier");

    /** Fields Amplitude's export files carry that Amplitude computes itself on ingestion: dropped, not moved into event_properties. */
    public static final Set<String> EXPORT_ONLY = Set.of(
            "amplitude_id", "uuid", "client_event_time", "client_upload_time", "server_received_time",
            "server_upload_time", "processed_time", "$schema", "amplitude_attribution_ids", "amplitude_event_type",
            "user_creation_time", "is_attribution_event", "sample_rate", "partner_id", "data", "data_type",
            "source_id", "library", "paying", "start_version", "followed_an_identify", "device_family",
            "device_type", "global_user_properties");

    public static final List<String> PROPERTY_OBJECTS = List.of("event_properties", "user_properties", "groups", "group_properties");
    private static final Set<String> PROPERTY_OBJECT_NAMES = Set.copyOf(PROPERTY_OBJECTS);

    /** Whether a top-level field is one of the property objects. */
    public static boolean isPropertyObject(String name) {
        return PROPERTY_OBJECT_NAMES.contains(name);
    }

    /** Id values Amplitude refuses, lower-cased (compared case-insensitively). */
    private static final Set<String> REFUSED_IDS = Set.of(
            "anonymous", "nil", "none", "null", "n/a", "na", "undefined", "unknown", "",
            "00000000-0000-0000-0000-000000000000", "{}", "lmy47d", "0", "-1");
    /** Bit n set: some refused id has n characters (all are shorter than 64). A quick no for most ids. */
    private static final long REFUSED_LENGTHS = REFUSED_IDS.stream().mapToLong(id -> 1L << id.length()).reduce(0, (a, b) -> a | b);

    /** Whether id is one of the placeholders Amplitude refuses, in any case. */
    public static boolean refusedId(String id) {
        return id.length() < 64 && (REFUSED_LENGTHS & 1L << id.length()) != 0
                && REFUSED_IDS.contains(id.toLowerCase(Locale.ROOT));
    }

    /** Amplitude's limit on nesting inside a property object. */
    public static final int MAX_NESTING = 40;
    /** Amplitude cuts strings longer than this. */
    public static final int MAX_STRING_LENGTH = 1024;

    /** Where a top-level field of a record goes: kept under uploadName, or dropped when uploadName is null. */
    public record Placement(String uploadName, boolean renamed) {
    }

    private static final Placement DROP = new Placement(null, false);
    private static final Map<String, Placement> PLACEMENTS = placements();

    /** The placement of a top-level field, or null for a field Amplitude does not know (it moves into event_properties). */
    public static Placement placement(String name) {
        return PLACEMENTS.get(name);
    }

    private static Map<String, Placement> placements() {
        Map<String, Placement> placements = new HashMap<>();
        UPLOAD_FIELDS.forEach(name -> placements.put(name, new Placement(name, false)));
        EXPORT_NAMES.forEach((exportName, uploadName) -> placements.put(exportName, new Placement(uploadName, true)));
        EXPORT_ONLY.forEach(name -> placements.put(name, DROP));
        return placements;
    }
}

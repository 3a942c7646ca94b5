package io.ampfill.source.jdbc;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The Amplitude field names a column can be named after. A copy of the event mapper's lists (its class is private
 * to the event package); AmplitudeNamesTest fails when the two drift apart. Export-only names (uuid, data,
 * library, ...) are deliberately absent: a database column called "data" is the user's data, so it goes into
 * event_properties rather than being dropped as the mapper drops those fields of an Amplitude export.
 */
final class AmplitudeNames {
    /** What the Batch Event Upload API takes at the top level. */
    static final Set<String> UPLOAD_FIELDS = Set.of(
            "event_type", "user_id", "device_id", "time", "insert_id",
            "event_properties", "user_properties", "groups", "group_properties", "$skip_user_properties_sync",
            "app_version", "platform", "os_name", "os_version", "device_brand", "device_manufacturer", "device_model",
            "carrier", "country", "region", "city", "dma", "language", "location_lat", "location_lng", "ip",
            "price", "quantity", "revenue", "productId", "revenueType", "currency",
            "idfa", "idfv", "adid", "android_id", "event_id", "session_id", "plan");

    /** Amplitude export names the mapper renames (event_time -> time, ...). */
    static final Set<String> EXPORT_NAMES = Set.of("$insert_id", "event_time", "version_name", "ip_address", "device_carrier");

    /** Fields that hold a JSON object; a text column of that name holds the object as JSON text. */
    static final List<String> PROPERTY_OBJECTS = List.of("event_properties", "user_properties", "groups", "group_properties");

    /** Lower-cased name -> Amplitude's spelling, so that H2's EVENT_TYPE and a column "productid" find their field. */
    private static final Map<String, String> BY_LOWER_CASE = Stream.concat(UPLOAD_FIELDS.stream(), EXPORT_NAMES.stream())
            .collect(Collectors.toMap(n -> n.toLowerCase(Locale.ROOT), n -> n, (a, b) -> a, HashMap::new));

    private AmplitudeNames() {
    }

    /** Amplitude's spelling of the field a column of this name fills, or null when the name is not a field. */
    static String fieldNamed(String columnName) {
        return BY_LOWER_CASE.get(columnName.toLowerCase(Locale.ROOT));
    }

    /** The upload name of a field: event_time fills time, and so on. */
    static String uploadName(String field) {
        return switch (field) {
            case "$insert_id" -> "insert_id";
            case "event_time" -> "time";
            case "version_name" -> "app_version";
            case "ip_address" -> "ip";
            case "device_carrier" -> "carrier";
            default -> field;
        };
    }
}

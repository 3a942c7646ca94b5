package io.ampfill.source.jdbc;

import io.ampfill.amplitude.AmplitudeFields;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The Amplitude field names a column can be named after: the event mapper's own lists. Export-only names
 * (uuid, data, library, ...) are deliberately not fields here: a database column called "data" is the user's
 * data, so it goes into event_properties rather than being dropped as the mapper drops those fields of an
 * Amplitude export.
 */
final class AmplitudeNames {
    static final Set<String> UPLOAD_FIELDS = AmplitudeFields.UPLOAD_FIELDS;

    /** Amplitude export names the mapper renames (event_time -> time, ...). */
    static final Set<String> EXPORT_NAMES = AmplitudeFields.EXPORT_NAMES.keySet();

    static final List<String> PROPERTY_OBJECTS = AmplitudeFields.PROPERTY_OBJECTS;

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
        return AmplitudeFields.EXPORT_NAMES.getOrDefault(field, field);
    }
}

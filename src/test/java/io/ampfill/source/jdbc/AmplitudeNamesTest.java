package io.ampfill.source.jdbc;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The JDBC source's copy of Amplitude's field names is the event mapper's list. */
class AmplitudeNamesTest {

    @Test
    void knows_the_same_upload_and_export_names_as_the_event_mapper() throws Exception {
        Class<?> fields = Class.forName("io.ampfill.event.AmplitudeFields");
        assertThat(AmplitudeNames.UPLOAD_FIELDS).isEqualTo(staticField(fields, "UPLOAD_FIELDS", Set.class));
        assertThat(AmplitudeNames.EXPORT_NAMES).isEqualTo(staticField(fields, "EXPORT_NAMES", Map.class).keySet());
        assertThat(AmplitudeNames.PROPERTY_OBJECTS).isEqualTo(staticField(fields, "PROPERTY_OBJECTS", java.util.List.class));
        for (Object exportName : staticField(fields, "EXPORT_NAMES", Map.class).keySet()) {
            assertThat(AmplitudeNames.uploadName((String) exportName))
                    .isEqualTo(staticField(fields, "EXPORT_NAMES", Map.class).get(exportName));
        }
    }

    @Test
    void finds_a_field_whatever_the_case_of_the_column() {
        assertThat(AmplitudeNames.fieldNamed("EVENT_TYPE")).isEqualTo("event_type");
        assertThat(AmplitudeNames.fieldNamed("productid")).isEqualTo("productId");
        assertThat(AmplitudeNames.fieldNamed("Event_Time")).isEqualTo("event_time");
        assertThat(AmplitudeNames.fieldNamed("uuid")).as("export-only names are the user's data here").isNull();
    }

    private static <T> T staticField(Class<?> owner, String name, Class<T> type) throws Exception {
        Field field = owner.getDeclaredField(name);
        field.setAccessible(true);
        return type.cast(field.get(null));
    }
}

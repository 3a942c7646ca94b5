package io.ampfill.camel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/component.md's options table says what the component's generated metadata says: names, types, defaults, descriptions. */
class ComponentDocsTest {
    private static final Pattern ROW = Pattern.compile("^\\| `(\\w+)` \\| (.*?) \\| (.*?) \\| (.*) \\|$");

    /** The component's metadata, as Camel's tooling reads it from the jar. */
    static JsonNode metadata() throws IOException {
        try (InputStream json = ComponentDocsTest.class.getResourceAsStream("/META-INF/io/ampfill/camel/amplitude.json")) {
            assertThat(json).as("the generated component JSON").isNotNull();
            return new ObjectMapper().readTree(json);
        }
    }

    /** A default as the metadata holds it, written as a user writes it: 300 for 300.0. */
    static String defaultOf(JsonNode option) {
        JsonNode value = option.get("defaultValue");
        if (value == null) {
            return "";
        }
        return value.isFloatingPointNumber() && value.asDouble() == Math.rint(value.asDouble())
                ? String.valueOf(value.asLong()) : value.asText();
    }

    @Test
    void the_options_table_lists_every_option_with_its_type_default_and_description() throws IOException {
        Map<String, String> documented = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("docs/component.md"))) {
            Matcher row = ROW.matcher(line);
            if (row.matches()) {
                documented.put(row.group(1), row.group(2) + " | " + row.group(3).replace("`", "") + " | "
                        + row.group(4).replace("\\|", "|"));
            }
        }
        Map<String, String> declared = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = metadata().path("properties").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> option = it.next();
            if (option.getKey().equals("lazyStartProducer")) {
                continue; // Camel's own, on every producer
            }
            declared.put(option.getKey(), typeOf(option.getValue()) + " | " + defaultOf(option.getValue()) + " | "
                    + option.getValue().path("description").asText());
        }
        assertThat(documented).containsExactlyInAnyOrderEntriesOf(declared);
    }

    private static String typeOf(JsonNode option) {
        String type = option.path("type").asText();
        if (type.equals("enum")) {
            StringBuilder values = new StringBuilder();
            option.path("enum").forEach(v -> values.append(values.length() == 0 ? "" : ", ").append(v.asText()));
            type = "enum: " + values;
        } else if (type.equals("object")) {
            String javaType = option.path("javaType").asText();
            type = "object: " + javaType.substring(javaType.lastIndexOf('.') + 1);
        }
        String marks = (option.path("required").asBoolean() ? "required" : "")
                + (option.path("required").asBoolean() && option.path("secret").asBoolean() ? ", " : "")
                + (option.path("secret").asBoolean() ? "secret" : "");
        return marks.isEmpty() ? type : type + " (" + marks + ")";
    }
}

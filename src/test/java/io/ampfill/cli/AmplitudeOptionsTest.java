package io.ampfill.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The amplitude.* settings of application.properties are the amplitude component's options under ampfill's names: each
 * sets an option the component declares, with the option's default.
 */
class AmplitudeOptionsTest {
    /** The application's own default where the component's differs, and why. */
    private static final Map<String, String> APPLICATION_DEFAULTS = Map.of(
            "backfill.spill-dir", "the application keeps a device's waiting events in a folder; the component, by default, in memory");

    @Test
    void every_amplitude_setting_sets_an_option_of_the_component_with_its_default() throws IOException {
        JsonNode options;
        try (InputStream json = getClass().getResourceAsStream("/META-INF/io/ampfill/camel/amplitude.json")) {
            options = new ObjectMapper().readTree(json).path("properties");
        }
        Map<String, String> settings = defaults();

        assertThat(AmplitudeOptions.OPTION_OF_SETTING.keySet())
                .containsAll(settings.keySet().stream().filter(s -> s.startsWith("amplitude.")).toList());
        AmplitudeOptions.OPTION_OF_SETTING.forEach((setting, option) -> {
            assertThat(settings).as("application.properties").containsKey(setting);
            assertThat(options.has(option)).as("option %s of %s", option, setting).isTrue();
            if (!APPLICATION_DEFAULTS.containsKey(setting)) {
                assertThat(normalized(settings.get(setting))).as("default of %s", setting)
                        .isEqualTo(normalized(options.path(option).path("defaultValue").asText("")));
            }
        });
    }

    /** 300 and 300.0 are one default. */
    private static String normalized(String value) {
        return value.matches("\\d+\\.0") ? value.substring(0, value.length() - 2) : value;
    }

    private static Map<String, String> defaults() throws IOException {
        Map<String, String> defaults = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("application.properties"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                int eq = line.indexOf('=');
                defaults.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
            }
        }
        return defaults;
    }
}

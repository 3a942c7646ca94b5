package io.ampfill.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's configuration table and application.properties name the same settings with the same defaults. */
class ConfigurationDocsTest {
    private static final Pattern ROW = Pattern.compile("^\\| `((?:amplitude|backfill)\\.[a-z.-]+)` \\| (.*?) \\|");

    @Test
    void the_readme_table_lists_every_setting_with_its_default() throws IOException {
        Map<String, String> documented = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("README.md"))) {
            Matcher row = ROW.matcher(line);
            if (row.find()) {
                String value = row.group(2).trim();
                documented.put(row.group(1), value.equals("(empty)") ? "" : value.replace("`", ""));
            }
        }
        Map<String, String> defaults = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("application.properties"))) {
            if (line.isBlank() || line.startsWith("#") || line.startsWith("camel.")) {
                continue;
            }
            int eq = line.indexOf('=');
            defaults.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
        }
        assertThat(documented).isEqualTo(defaults);
    }

    @Test
    void every_setting_has_a_comment_above_it() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("application.properties"));
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (!line.isBlank() && !line.startsWith("#") && !line.startsWith("camel.main.name") && !line.startsWith("camel.component.http.max-total")) {
                assertThat(lines.get(i - 1)).as("comment above " + line).startsWith("#");
            }
        }
    }

    @Test
    void the_packed_routes_are_the_files_of_routes() throws IOException {
        try (var files = Files.list(Path.of("routes"))) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
                    .isEqualTo(AmpfillApp.PACKED_ROUTES.stream().sorted().toList());
        }
    }
}

package io.ampfill.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each setting is declared once (cli/Setting.java: name, reading, check, description) and has its default in
 * application.properties, in the same order; the settings table of docs/configuration.md is made from the two. The
 * docs' links between their pages lead somewhere.
 */
class ConfigurationDocsTest {
    private static final Pattern ROW = Pattern.compile("^\\| `((?:amplitude|backfill)\\.[a-z.-]+)` \\| (.*?) \\|");
    /** The system property that makes the docs table's test write the table rather than compare it. */
    private static final String WRITE_DOCS = "ampfill.write-docs";
    /** A markdown link whose target is not a web address: a file of the repo, maybe with a heading's anchor. */
    private static final Pattern LOCAL_LINK = Pattern.compile("\\]\\((?!https?:)([^)#\\s]*)(?:#([^)\\s]+))?\\)");

    @Test
    void the_declarations_are_the_settings_of_application_properties_in_its_order() throws IOException {
        assertThat(Setting.ALL.stream().map(Setting::name).toList()).as("cli/Setting.java against application.properties")
                .isEqualTo(List.copyOf(defaults().keySet()));
    }

    /**
     * The settings table of docs/configuration.md is made from the declarations (name, description) and the defaults
     * of application.properties, in their order; {@value #WRITE_DOCS} makes this test write it.
     */
    @Test
    void the_docs_table_is_made_from_the_declarations_and_the_defaults() throws IOException {
        Path page = Path.of("docs/configuration.md");
        List<String> lines = Files.readAllLines(page);
        int first = 0;
        while (first < lines.size() && !ROW.matcher(lines.get(first)).find()) {
            first++;
        }
        int end = first;
        while (end < lines.size() && ROW.matcher(lines.get(end)).find()) {
            end++;
        }
        Map<String, String> defaults = defaults();
        List<String> rows = new ArrayList<>();
        for (Setting<?> setting : Setting.ALL) {
            String value = defaults.getOrDefault(setting.name(), "");
            rows.add("| `" + setting.name() + "` | " + (value.isEmpty() ? "(empty)" : "`" + value + "`") + " | "
                    + setting.description() + " |");
        }
        if (Boolean.getBoolean(WRITE_DOCS)) {
            List<String> written = new ArrayList<>(lines.subList(0, first));
            written.addAll(rows);
            written.addAll(lines.subList(end, lines.size()));
            Files.write(page, written);
            lines = written;
            end = first + rows.size();
        }
        assertThat(lines.subList(first, end)).as("the settings table of %s, made from cli/Setting.java and the defaults of"
                + " application.properties; to write it: mvn test -Dtest=ConfigurationDocsTest -D%s=true", page, WRITE_DOCS)
                .containsExactlyElementsOf(rows);
    }

    /** Each setting of application.properties with its default ("" when empty), in the file's order. */
    static Map<String, String> defaults() throws IOException {
        Map<String, String> defaults = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("application.properties"))) {
            if (line.isBlank() || line.startsWith("#") || line.startsWith("camel.")) {
                continue;
            }
            int eq = line.indexOf('=');
            defaults.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
        }
        return defaults;
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

    @Test
    void every_link_between_the_docs_leads_to_a_file_and_heading_that_exist() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(Path.of("README.md"), Path.of("DEVELOPERS.md"), Path.of("bench/README.md"),
                Path.of("examples/rabbitmq/README.md")));
        try (var docs = Files.list(Path.of("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        List<String> broken = new ArrayList<>();
        for (Path page : pages) {
            Matcher link = LOCAL_LINK.matcher(Files.readString(page));
            while (link.find()) {
                Path target = link.group(1).isEmpty() ? page : page.resolveSibling(link.group(1)).normalize();
                if (!Files.exists(target)) {
                    broken.add(page + ": " + link.group());
                } else if (link.group(2) != null && !anchors(target).contains(link.group(2))) {
                    broken.add(page + ": " + link.group() + " (no such heading)");
                }
            }
        }
        assertThat(broken).isEmpty();
    }

    /** The anchors a markdown page's headings get: lower case, punctuation dropped, spaces as hyphens. */
    private static Set<String> anchors(Path page) throws IOException {
        Set<String> anchors = new HashSet<>();
        for (String line : Files.readAllLines(page)) {
            if (line.startsWith("#")) {
                String text = line.replaceFirst("^#+\\s*", "").toLowerCase(Locale.ROOT);
                anchors.add(text.replaceAll("[^a-z0-9 _-]", "").replace(' ', '-'));
            }
        }
        return anchors;
    }
}

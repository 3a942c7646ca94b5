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
 * The settings table of docs/configuration.md and application.properties name the same settings with the same
 * defaults; the docs' links between their pages lead somewhere.
 */
class ConfigurationDocsTest {
    private static final Pattern ROW = Pattern.compile("^\\| `((?:amplitude|backfill)\\.[a-z.-]+)` \\| (.*?) \\|");
    /** A markdown link whose target is not a web address: a file of the repo, maybe with a heading's anchor. */
    private static final Pattern LOCAL_LINK = Pattern.compile("\\]\\((?!https?:)([^)#\\s]*)(?:#([^)\\s]+))?\\)");

    @Test
    void the_docs_table_lists_every_setting_with_its_default() throws IOException {
        Map<String, String> documented = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("docs/configuration.md"))) {
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

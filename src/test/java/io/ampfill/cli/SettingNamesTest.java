package io.ampfill.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** A setting's name is written in Java once, in its declaration: the rest of the code reads it through that. */
class SettingNamesTest {
    private static final Path MAIN = Path.of("src/main/java");
    private static final Pattern SETTING_NAME = Pattern.compile("^(?:amplitude|backfill)\\.[a-z][a-z0-9.-]*");

    /** Where a setting's name may be written outside cli/Setting.java, and why. */
    private static final Map<String, String> FILES_THAT_NAME_SETTINGS = Map.of(
            "io/ampfill/source/jdbc/JdbcSourceSettings.java", "the database source reads its own settings in the core,"
                    + " which cannot see the cli package: the declarations take these names from it",
            "io/ampfill/source/jdbc/UsersSettings.java", "the same, for the users source");
    /** Single names written elsewhere (file: name), and why. */
    private static final Map<String, String> NAMES_WRITTEN_ELSEWHERE = Map.ofEntries(
            Map.entry("io/ampfill/cli/SettingsConfiguration.java: backfill.dry-run",
                    "not a setting: a property the run computes for the file route"),
            Map.entry("io/ampfill/delivery/LaneScheduler.java: amplitude.device-eps", "log text that names the setting to change"),
            guard("amplitude.device-eps"), guard("amplitude.max-events-per-request"),
            guard("amplitude.max-concurrent-requests"), guard("amplitude.max-concurrent-requests-ceiling"),
            guard("backfill.max-in-flight-events"), guard("backfill.max-in-flight-bytes"));

    /** DeliverySettings' guards: the component's invariants, which SettingRules' checks reach first (AmplitudeOptionsTest). */
    private static Map.Entry<String, String> guard(String name) {
        return Map.entry("io/ampfill/delivery/DeliverySettings.java: " + name, "an invariant of the component's delivery");
    }

    @Test
    void no_string_literal_outside_the_declarations_names_a_setting() throws IOException {
        List<String> named = new ArrayList<>();
        try (Stream<Path> sources = Files.walk(MAIN)) {
            for (Path source : sources.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                String file = MAIN.relativize(source).toString().replace('\\', '/');
                if (file.equals("io/ampfill/cli/Setting.java") || FILES_THAT_NAME_SETTINGS.containsKey(file)) {
                    continue;
                }
                for (String literal : stringLiterals(Files.readString(source))) {
                    Matcher name = SETTING_NAME.matcher(literal);
                    if (name.find() && !NAMES_WRITTEN_ELSEWHERE.containsKey(file + ": " + name.group())) {
                        named.add(file + ": \"" + literal + "\"");
                    }
                }
            }
        }
        assertThat(named).as("read a setting through its declaration in cli/Setting.java (settings.get(Setting.X),"
                + " Setting.X.name())").isEmpty();
    }

    @Test
    void the_scan_finds_literals_and_leaves_comments_and_characters_out() {
        String java = "// \"backfill.a\"\n/* \"backfill.b\" */ char q = '\"'; String s = \"backfill.c \\\" x\" + \"\"\"\n"
                + "    amplitude.d\n    \"\"\";";

        assertThat(stringLiterals(java)).containsExactly("backfill.c \\\" x", "amplitude.d");
        assertThat(Set.copyOf(FILES_THAT_NAME_SETTINGS.keySet())).allSatisfy(f -> assertThat(MAIN.resolve(f)).exists());
    }

    /** The string literals of a Java source (a text block as one, stripped), comments and character literals left out. */
    static List<String> stringLiterals(String java) {
        List<String> literals = new ArrayList<>();
        int i = 0;
        while (i < java.length()) {
            if (java.startsWith("//", i)) {
                int end = java.indexOf('\n', i);
                i = end < 0 ? java.length() : end;
            } else if (java.startsWith("/*", i)) {
                i = java.indexOf("*/", i + 2) + 2;
            } else if (java.startsWith("\"\"\"", i)) {
                int end = java.indexOf("\"\"\"", i + 3);
                literals.add(java.substring(i + 3, end).strip());
                i = end + 3;
            } else if (java.charAt(i) == '"' || java.charAt(i) == '\'') {
                char quote = java.charAt(i);
                int end = i + 1;
                while (java.charAt(end) != quote) {
                    end += java.charAt(end) == '\\' ? 2 : 1;
                }
                if (quote == '"') {
                    literals.add(java.substring(i + 1, end));
                }
                i = end + 1;
            } else {
                i++;
            }
        }
        return literals;
    }
}

package io.ampfill.deadletter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class DeadLetterFileNameTest {
    private static final Charset UTF8 = StandardCharsets.UTF_8;

    @TempDir
    Path dir;

    @Test
    void a_plain_name_keeps_its_name_and_gets_the_suffix() {
        assertThat(DeadLetterFileName.of("events-01.ndjson", UTF8)).isEqualTo("events-01.ndjson.rejected.ndjson");
        assertThat(DeadLetterFileName.of("table events", UTF8)).isEqualTo("table events.rejected.ndjson");
        assertThat(DeadLetterFileName.of("événements été.ndjson", UTF8)).isEqualTo("événements été.ndjson.rejected.ndjson");
    }

    @Test
    void a_name_too_long_for_a_file_name_is_shortened_keeping_its_start_and_end_and_a_hash() throws Exception {
        String longest = "a".repeat(250) + ".ndjson"; // the file system takes 255 bytes; with the suffix it would be 273
        String name = DeadLetterFileName.of(longest, UTF8);

        assertThat(name.getBytes(UTF8).length).isLessThanOrEqualTo(255);
        assertThat(name).startsWith("aaaaaaaa").contains("...").matches(".*aaaa\\.ndjson~[0-9a-f]{12}\\.rejected\\.ndjson");
        Files.writeString(dir.resolve(name), "created"); // the file system takes it
    }

    @Test
    void names_that_differ_only_after_the_cut_get_files_of_their_own() {
        String start = "export-" + "x".repeat(240);
        Set<String> names = new HashSet<>();
        for (int hour = 0; hour < 1000; hour++) {
            names.add(DeadLetterFileName.of(start + "-" + hour + "-" + "y".repeat(70) + ".json", UTF8));
        }
        assertThat(names).hasSize(1000);
    }

    @Test
    void multibyte_characters_are_counted_in_bytes_and_never_cut_in_half() {
        String name = DeadLetterFileName.of("日本語のイベント".repeat(20) + ".ndjson", UTF8); // 3 bytes a character

        assertThat(name.getBytes(UTF8).length).isLessThanOrEqualTo(255);
        assertThat(new String(name.getBytes(UTF8), UTF8)).isEqualTo(name).doesNotContain("\uFFFD");
        assertThat(name).startsWith("日本語のイベント").matches(".*イベント\\.ndjson~[0-9a-f]{12}\\.rejected\\.ndjson");
    }

    @Test
    void separators_control_characters_and_undecodable_bytes_are_replaced_and_the_name_marked_with_its_hash() throws Exception {
        List<String> odd = List.of("2024/03/events.ndjson", "line\nbreak.ndjson", "nul\0.ndjson", "back\\slash.ndjson",
                "bad-\uFFFD-bytes.ndjson", "lone-\uD800.ndjson", "table sales/eu", "tilde~name.ndjson");
        Set<String> names = new HashSet<>();
        for (String source : odd) {
            String name = DeadLetterFileName.of(source, UTF8);
            assertThat(name).as(source).matches("[^/\\\\\\p{Cntrl}\uFFFD]+~[0-9a-f]{12}\\.rejected\\.ndjson");
            Files.writeString(dir.resolve(name), "created");
            names.add(name);
        }
        assertThat(names).hasSize(odd.size());
        assertThat(DeadLetterFileName.of("2024/03/events.ndjson", UTF8)).startsWith("2024_03_events.ndjson~");
        try (var files = Files.list(dir)) {
            assertThat(files.count()).as("every name is a file of its own, in the folder itself").isEqualTo(odd.size());
        }
    }

    @Test
    void a_made_valid_name_is_never_the_name_of_another_source() {
        // "a/b" becomes "a_b~<hash>"; the source literally named so is hashed again, being marked
        String madeValid = DeadLetterFileName.of("a/b", UTF8);
        String literal = madeValid.substring(0, madeValid.length() - DeadLetterFileName.SUFFIX.length());
        assertThat(DeadLetterFileName.of(literal, UTF8)).isNotEqualTo(madeValid);
        assertThat(DeadLetterFileName.of("a_b", UTF8)).isEqualTo("a_b.rejected.ndjson").isNotEqualTo(madeValid);
        assertThat(DeadLetterFileName.of("\uD800", UTF8)).isNotEqualTo(DeadLetterFileName.of("\uD801", UTF8));
    }

    @Test
    void where_file_names_are_ascii_a_character_it_cannot_hold_is_replaced() {
        String name = DeadLetterFileName.of("été.ndjson", StandardCharsets.US_ASCII);
        assertThat(name).startsWith("_t_.ndjson~").endsWith(".rejected.ndjson");
        assertThat(StandardCharsets.US_ASCII.newEncoder().canEncode(name)).isTrue();
    }

    @Test
    void random_names_always_give_a_valid_name_of_their_own() {
        Random random = new Random(14);
        Set<String> sources = new HashSet<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < 5000; i++) {
            StringBuilder source = new StringBuilder();
            int length = random.nextInt(300);
            for (int c = 0; c < length; c++) {
                source.append(random.nextInt(8) == 0 ? (char) random.nextInt(0x3000) : (char) ('a' + random.nextInt(3)));
            }
            if (sources.add(source.toString())) {
                String name = DeadLetterFileName.of(source.toString(), UTF8);
                assertThat(name.getBytes(UTF8).length).isLessThanOrEqualTo(255);
                assertThat(name).doesNotContain("/").endsWith(".rejected.ndjson");
                names.add(name);
            }
        }
        assertThat(names).hasSameSizeAs(sources);
    }
}

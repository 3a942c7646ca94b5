package io.ampfill.source;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static io.ampfill.source.Records.raw;
import static io.ampfill.source.Records.reason;
import static io.ampfill.source.Records.value;
import static io.ampfill.source.SourceFiles.readAll;
import static io.ampfill.source.SourceFiles.write;
import static org.assertj.core.api.Assertions.assertThat;

class JsonDocumentReaderTest {
    @TempDir
    Path dir;

    @Test
    void reads_a_single_object() throws Exception {
        Path file = write(dir, "one.json", "\n  {\"event_type\": \"a\",\n   \"n\": 1}\n");
        assertThat(readAll(file)).singleElement().satisfies(r -> {
            assertThat(r.line()).isEqualTo(2);
            assertThat(value(r).get("event_type").asText()).isEqualTo("a");
        });
    }

    @Test
    void streams_an_array_of_objects_with_each_elements_starting_line() throws Exception {
        Path file = write(dir, "many.json", "[\n  {\"n\": 1},\n  {\"n\": 2,\n   \"m\": {\"x\": [1, 2]}},\n\n  {\"n\": 3}\n]\n");
        List<SourceRecord> records = readAll(file);
        assertThat(records).extracting(SourceRecord::line).containsExactly(2L, 3L, 6L);
        assertThat(records).extracting(r -> value(r).get("n").asInt()).containsExactly(1, 2, 3);
    }

    @Test
    void reports_an_element_that_is_not_an_object_and_goes_on() throws Exception {
        Path file = write(dir, "mixed.json", "[{\"n\":1},\n42,\n[1,2],\n\"s\",\n{\"n\":5}]");
        List<SourceRecord> records = readAll(file);
        assertThat(records).extracting(Records::reason)
                .containsExactly(null, "not a JSON object", "not a JSON object", "not a JSON object", null);
        assertThat(raw(records.get(2))).isEqualTo("[1,2]");
        assertThat(records.get(4).line()).isEqualTo(5);
    }

    @Test
    void ends_the_file_at_a_syntax_error_with_one_error_record() throws Exception {
        Path file = write(dir, "broken.json", "[{\"n\":1},\n{\"n\":2},\n{\"n\" 3},\n{\"n\":4}]");
        List<SourceRecord> records = readAll(file);
        assertThat(records).hasSize(3);
        assertThat(records.get(2)).satisfies(r -> {
            assertThat(reason(r)).startsWith("not valid JSON from here on: ").doesNotContain("Source");
            assertThat(raw(r)).isNull();
            assertThat(r.line()).isEqualTo(3);
        });
    }

    @Test
    void reads_several_top_level_objects_one_after_the_other() throws Exception {
        Path file = write(dir, "seq.json", "{\"n\":1}\n{\"n\":2}\n");
        assertThat(readAll(file)).extracting(r -> value(r).get("n").asInt()).containsExactly(1, 2);
    }

    @Test
    void reads_an_empty_file_or_empty_array_as_no_records() throws Exception {
        assertThat(readAll(write(dir, "empty.json", ""))).isEmpty();
        assertThat(readAll(write(dir, "blank.json", "  \n"))).isEmpty();
        assertThat(readAll(write(dir, "array.json", "[]"))).isEmpty();
    }

    @Test
    void ends_the_file_at_bytes_that_are_not_utf8_which_jackson_would_read_as_text() throws Exception {
        // C0 AF is an overlong '/': Jackson reads it as "/", so it became an event (with the id of "/")
        byte[] overlong = SourceFiles.concat(SourceFiles.utf8("[{\"n\":1},\n{\"s\":\""), new byte[]{(byte) 0xC0, (byte) 0xAF},
                SourceFiles.utf8("\"},\n{\"n\":3}]"));
        List<SourceRecord> records = readAll(write(dir, "overlong.json", overlong));
        assertThat(records).hasSize(2);
        assertThat(value(records.get(0)).get("n").asInt()).isEqualTo(1);
        assertThat(reason(records.get(1))).isEqualTo("not valid UTF-8 from here on: byte 0xC0 at byte 16 of the file");
        byte[] surrogate = SourceFiles.concat(SourceFiles.utf8("{\"s\":\""), new byte[]{(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                SourceFiles.utf8("\"}"));
        assertThat(readAll(write(dir, "surrogate.json", surrogate))).singleElement()
                .satisfies(r -> assertThat(reason(r)).isEqualTo("not valid UTF-8 from here on: byte 0xED at byte 6 of the file"));
        byte[] cut = SourceFiles.concat(SourceFiles.utf8("{\"s\":\""), new byte[]{(byte) 0xE6, (byte) 0x97});
        assertThat(readAll(write(dir, "cut.json", cut))).singleElement()
                .satisfies(r -> assertThat(reason(r)).isEqualTo("not valid UTF-8 from here on: the file ends inside a character at byte 6 of the file"));
    }

    @Test
    void reads_characters_cut_by_the_checks_buffer_and_documents_in_utf16() throws Exception {
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < 3000; i++) {
            json.append(i == 0 ? "" : ",").append("{\"s\":\"é日🎵").append(i).append("\"}");
        }
        json.append(']');
        List<SourceRecord> records = readAll(write(dir, "long.json", json.toString()));
        assertThat(records).hasSize(3000).allSatisfy(r -> assertThat(value(r).get("s").asText()).startsWith("é日🎵"));
        Path utf16 = write(dir, "utf16.json", "[{\"s\":\"é日\"}]".getBytes(java.nio.charset.StandardCharsets.UTF_16LE));
        assertThat(readAll(utf16)).singleElement().satisfies(r -> assertThat(value(r).get("s").asText()).isEqualTo("é日"));
    }
}

package io.ampfill.source;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.ampfill.source.Records.isTree;
import static io.ampfill.source.Records.notKept;
import static io.ampfill.source.Records.raw;
import static io.ampfill.source.Records.reason;
import static io.ampfill.source.Records.value;
import static io.ampfill.source.SourceFiles.concat;
import static io.ampfill.source.SourceFiles.readAll;
import static io.ampfill.source.SourceFiles.utf8;
import static io.ampfill.source.SourceFiles.write;
import static org.assertj.core.api.Assertions.assertThat;

class NdjsonReaderTest {
    @TempDir
    Path dir;

    @Test
    void reads_one_object_a_line_with_its_line_number() throws Exception {
        Path file = write(dir, "a.ndjson", "{\"event_type\":\"a\"}\n{\"event_type\":\"b\"}\n{\"event_type\":\"c\"}");
        List<SourceRecord> records = readAll(file);
        assertThat(records).extracting(SourceRecord::line).containsExactly(1L, 2L, 3L);
        assertThat(records).extracting(r -> value(r).get("event_type").asText()).containsExactly("a", "b", "c");
        assertThat(records).allMatch(Records::isTree);
    }

    @Test
    void hands_out_each_line_unparsed_and_unchanged_while_the_lines_after_it_are_read() throws Exception {
        // 3,000 lines of 100 bytes: the reader's buffer (64 KB) fills many times over while the first chunk is held
        List<String> lines = new ArrayList<>();
        StringBuilder content = new StringBuilder();
        for (int i = 0; i < 3000; i++) {
            String line = "{\"event_type\":\"play\",\"n\":" + i + ",\"pad\":\"" + "x".repeat(70 - Integer.toString(i).length()) + "\"}";
            lines.add(line);
            content.append(line).append('\n');
        }
        try (NdjsonReader reader = new NdjsonReader(new ByteArrayInputStream(utf8(content.toString())))) {
            List<SourceRecord> first = new ArrayList<>();
            reader.readChunk(first, 1000);
            List<SourceRecord> rest = new ArrayList<>();
            while (reader.readChunk(rest, 1000)) {
                // reads on, into the buffers after the first chunk's
            }
            assertThat(first).hasSize(1000).allMatch(r -> r instanceof SourceRecord.Line);
            assertThat(first).extracting(r -> ((SourceRecord.Line) r).text()).containsExactlyElementsOf(lines.subList(0, 1000));
            assertThat(rest).extracting(r -> ((SourceRecord.Line) r).text()).containsExactlyElementsOf(lines.subList(1000, 3000));
        }
    }

    @Test
    void skips_blank_lines_but_counts_them_and_accepts_crlf() throws Exception {
        Path file = write(dir, "a.jsonl", "\r\n{\"n\":1}\r\n   \r\n\t\n{\"n\":2}\r\n\r\n");
        List<SourceRecord> records = readAll(file);
        assertThat(records).extracting(SourceRecord::line).containsExactly(2L, 5L);
        assertThat(records).extracting(r -> value(r).get("n").asInt()).containsExactly(1, 2);
    }

    @Test
    void ignores_a_byte_order_mark_on_the_first_line() throws Exception {
        Path file = write(dir, "a.ndjson", concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, utf8("{\"n\":1}\n")));
        assertThat(readAll(file)).singleElement().satisfies(r -> assertThat(isTree(r)).isTrue());
    }

    @Test
    void reports_a_line_that_is_not_valid_utf8_with_the_line_decoded_leniently() throws Exception {
        byte[] bad = concat(utf8("{\"name\":\"caf"), new byte[] {(byte) 0xE9}, utf8("\"}"));
        Path file = write(dir, "a.ndjson", concat(utf8("{\"n\":1}\n"), bad, utf8("\n{\"name\":\"café ☕ 😀\"}\n")));
        List<SourceRecord> records = readAll(file);
        assertThat(records).hasSize(3);
        assertThat(records.get(1)).satisfies(r -> {
            assertThat(reason(r)).isEqualTo("not valid UTF-8: byte 0xE9 at byte 13 of the line (raw has U+FFFD in its place)");
            assertThat(raw(r)).isEqualTo("{\"name\":\"caf\uFFFD\"}");
            assertThat(r.line()).isEqualTo(2);
        });
        assertThat(value(records.get(2)).get("name").asText()).isEqualTo("café ☕ 😀");
    }

    @Test
    void rejects_overlong_and_surrogate_encodings_as_invalid_utf8() {
        assertThat(Utf8.valid(new byte[] {(byte) 0xC0, (byte) 0xAF}, 0, 2)).isFalse();
        assertThat(Utf8.valid(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, 0, 3)).isFalse();
        assertThat(Utf8.valid(new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, 0, 4)).isFalse();
        assertThat(Utf8.valid(new byte[] {(byte) 0xE2, (byte) 0x98}, 0, 2)).isFalse();
        assertThat(Utf8.valid(utf8("é☕😀"), 0, utf8("é☕😀").length)).isTrue();
    }

    @Test
    void reports_a_line_that_is_not_json_with_a_short_message_and_goes_on() throws Exception {
        Path file = write(dir, "a.ndjson", "{\"n\":1}\n{\"n\":\n{'n':3}\n{\"n\":1} trailing\n{\"n\":5}\n");
        List<SourceRecord> records = readAll(file);
        assertThat(records).hasSize(5);
        assertThat(records.get(1)).satisfies(r -> {
            assertThat(reason(r)).startsWith("not valid JSON: ").doesNotContain("Source").doesNotContain("line:").doesNotContain("\n");
            assertThat(raw(r)).isEqualTo("{\"n\":");
            assertThat(r.line()).isEqualTo(2);
        });
        assertThat(reason(records.get(2))).startsWith("not valid JSON: ");
        assertThat(reason(records.get(3))).startsWith("not valid JSON: ");
        assertThat(isTree(records.get(4))).isTrue();
    }

    @Test
    void reports_json_that_is_not_an_object() throws Exception {
        Path file = write(dir, "a.ndjson", "[1,2]\n42\n\"text\"\nnull\n");
        List<SourceRecord> records = readAll(file);
        assertThat(records).extracting(Records::reason).containsOnly("not a JSON object");
        assertThat(records).extracting(Records::raw).containsExactly("[1,2]", "42", "\"text\"", "null");
    }

    @Test
    void reads_lines_longer_than_its_first_buffer() throws Exception {
        String big = "x".repeat(300_000);
        Path file = write(dir, "a.ndjson", "{\"n\":1}\n{\"big\":\"" + big + "\"}\n{\"n\":3}\n");
        List<SourceRecord> records = readAll(file);
        assertThat(records).hasSize(3).allMatch(Records::isTree);
        assertThat(value(records.get(1)).get("big").asText()).hasSize(300_000);
    }

    @Test
    void skips_a_line_longer_than_the_limit_without_holding_it() throws Exception {
        String line = "{\"big\":\"" + "x".repeat(5000) + "\"}";
        byte[] content = utf8("{\"n\":1}\n" + line + "\n{\"n\":3}\n" + line);
        try (NdjsonReader reader = new NdjsonReader(new ByteArrayInputStream(content), 1024)) {
            List<SourceRecord> records = new ArrayList<>();
            while (reader.readChunk(records, 10)) {
                // reads all
            }
            assertThat(records).extracting(SourceRecord::line).containsExactly(1L, 2L, 3L, 4L);
            assertThat(reason(records.get(1))).startsWith("line is longer than 1024 bytes");
            assertThat(notKept(records.get(1))).isEqualTo("the line, too long to keep here: it is line 2 of the source file");
            assertThat(isTree(records.get(2))).isTrue();
            assertThat(reason(records.get(3))).startsWith("line is longer than 1024 bytes");
        }
    }

    @Test
    void stops_after_max_records_having_read_no_more_than_a_buffer_ahead() throws Exception {
        CountingInput input = new CountingInput(20_000_000);
        try (NdjsonReader reader = new NdjsonReader(input)) {
            List<SourceRecord> records = new ArrayList<>();
            assertThat(reader.readChunk(records, 1000)).isTrue();
            assertThat(records).hasSize(1000);
            assertThat(input.served).isLessThanOrEqualTo(1000L * CountingInput.LINE.length + (1 << 16));
            records.clear();
            assertThat(reader.readChunk(records, 1000)).isTrue();
            assertThat(records).hasSize(1000).allMatch(Records::isTree);
            assertThat(records.get(999).line()).isEqualTo(2000);
        }
    }

    /** An endless-looking NDJSON stream generated on the fly, counting the bytes it has handed out. */
    private static final class CountingInput extends InputStream {
        static final byte[] LINE = utf8("{\"event_type\":\"play\",\"device_id\":\"device-1\",\"time\":1700000000000}\n");
        private final long size;
        long served;

        CountingInput(long size) {
            this.size = size;
        }

        @Override
        public int read() {
            return served < size ? LINE[(int) (served++ % LINE.length)] : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (served >= size) {
                return -1;
            }
            int n = (int) Math.min(len, size - served);
            for (int i = 0; i < n; i++) {
                b[off + i] = LINE[(int) (served++ % LINE.length)];
            }
            return n;
        }
    }
}

package io.ampfill.source;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static io.ampfill.source.Records.raw;
import static io.ampfill.source.Records.reason;
import static io.ampfill.source.Records.value;
import static io.ampfill.source.SourceFiles.readAll;
import static io.ampfill.source.SourceFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecordReadersTest {
    @TempDir
    Path dir;

    @Test
    void supports_the_four_formats_plain_or_gzipped_in_any_case() {
        assertThat(List.of("a.json", "a.ndjson", "a.jsonl", "a.csv", "a.JSON.GZ", "b.ndjson.gz", "c.Jsonl.gz", "d.CSV.gz"))
                .allMatch(RecordReaders::supports);
        assertThat(List.of("a.txt", "a.gz", "a.json.zip", "ndjson", "a.csv.bak", "a.tar.gz"))
                .noneMatch(RecordReaders::supports);
    }

    @Test
    void refuses_to_open_an_unsupported_file() throws Exception {
        Path file = write(dir, "notes.txt", "hello");
        assertThatThrownBy(() -> RecordReaders.open(file)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void picks_the_reader_by_the_name_before_gz() throws Exception {
        write(dir, "a.jsonl.gz", SourceFiles.gzip("{\"a\":1}\n{\"a\":2}\n"));
        write(dir, "b.json.gz", SourceFiles.gzip("[{\"a\":1},{\"a\":2}]"));
        write(dir, "c.csv.gz", SourceFiles.gzip("a\n1\n2\n"));
        for (String name : List.of("a.jsonl.gz", "b.json.gz", "c.csv.gz")) {
            List<SourceRecord> records = readAll(dir.resolve(name));
            assertThat(records).as(name).hasSize(2).allMatch(Records::isTree);
            assertThat(value(records.get(1)).get("a").asInt()).as(name).isEqualTo(2);
        }
    }

    @Test
    void reports_a_truncated_gzip_as_one_error_record_after_the_readable_records() throws Exception {
        StringBuilder ndjson = new StringBuilder();
        StringBuilder array = new StringBuilder("[");
        StringBuilder csv = new StringBuilder("event_type,n\n");
        for (int i = 0; i < 5000; i++) {
            long n = i * 7919L % 100003;
            ndjson.append("{\"event_type\":\"e").append(i).append("\",\"n\":").append(n).append("}\n");
            array.append(i == 0 ? "" : ",\n").append("{\"event_type\":\"e").append(i).append("\",\"n\":").append(n).append('}');
            csv.append('e').append(i).append(',').append(n).append('\n');
        }
        Map<String, String> contents = Map.of("t.ndjson.gz", ndjson.toString(), "t.json.gz", array.append(']').toString(),
                "t.csv.gz", csv.toString());
        for (Map.Entry<String, String> content : contents.entrySet()) {
            String name = content.getKey();
            byte[] whole = SourceFiles.gzip(content.getValue());
            Path file = write(dir, name, Arrays.copyOf(whole, whole.length / 2));
            List<SourceRecord> records = readAll(file);
            SourceRecord last = records.get(records.size() - 1);
            assertThat(reason(last)).as(name).isEqualTo("file unreadable from here on: the gzip data ends early (the file is cut short)");
            assertThat(raw(last)).as(name).isNull();
            assertThat(records.subList(0, records.size() - 1)).as(name).hasSizeGreaterThan(100).allMatch(Records::isTree);
        }
    }

    @Test
    void reports_a_gz_file_that_is_not_gzip_instead_of_throwing() throws Exception {
        Path file = write(dir, "fake.ndjson.gz", "{\"a\":1}\n");
        List<SourceRecord> records = readAll(file);
        assertThat(records).singleElement().satisfies(r -> {
            assertThat(reason(r)).isEqualTo("file unreadable from here on: not gzip data, though the file's name ends in .gz");
            assertThat(r.line()).isEqualTo(1);
        });
    }

    @Test
    void says_a_damaged_gzip_is_damaged_not_what_zlib_calls_it() throws Exception {
        byte[] whole = SourceFiles.gzip("{\"a\":1}\n".repeat(1000));
        for (int at = 12; at < whole.length - 8; at += 7) {
            whole[at] ^= (byte) 0x5A;
        }
        List<SourceRecord> records = readAll(write(dir, "damaged.ndjson.gz", whole));
        assertThat(reason(records.get(records.size() - 1))).isEqualTo("file unreadable from here on: the gzip data is damaged");
    }

    @Test
    void reads_concatenated_gzip_members_as_one_file() throws Exception {
        Path file = write(dir, "two.ndjson.gz", SourceFiles.concat(SourceFiles.gzip("{\"a\":1}\n"), SourceFiles.gzip("{\"a\":2}\n")));
        assertThat(readAll(file)).extracting(r -> value(r).get("a").asInt()).containsExactly(1, 2);
    }

    @Test
    void returns_false_only_once_the_input_is_exhausted_and_keeps_returning_false() throws Exception {
        Path file = write(dir, "a.ndjson", "{\"a\":1}\n{\"a\":2}\n");
        try (RecordReader reader = RecordReaders.open(file)) {
            List<SourceRecord> out = new java.util.ArrayList<>();
            assertThat(reader.readChunk(out, 2)).isTrue();
            assertThat(out).hasSize(2);
            assertThat(reader.readChunk(out, 2)).isFalse();
            assertThat(reader.readChunk(out, 2)).isFalse();
            assertThat(out).hasSize(2);
        }
    }
}

package io.ampfill.source;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static io.ampfill.source.Records.isTree;
import static io.ampfill.source.Records.raw;
import static io.ampfill.source.Records.reason;
import static io.ampfill.source.Records.value;
import static io.ampfill.source.SourceFiles.concat;
import static io.ampfill.source.SourceFiles.readAll;
import static io.ampfill.source.SourceFiles.utf8;
import static io.ampfill.source.SourceFiles.write;
import static org.assertj.core.api.Assertions.assertThat;

class CsvRecordReaderTest {
    @TempDir
    Path dir;

    @Test
    void reads_each_row_as_an_object_of_string_cells_with_its_line() throws Exception {
        Path file = write(dir, "a.csv", "event_type,user_id,time,price\nplay,user-1,1700000000000,9.99\nstop,user-2,1700000001000,\n");
        List<SourceRecord> records = readAll(file);
        assertThat(records).extracting(SourceRecord::line).containsExactly(2L, 3L);
        assertThat(value(records.get(0)).toString())
                .isEqualTo("{\"event_type\":\"play\",\"user_id\":\"user-1\",\"time\":\"1700000000000\",\"price\":\"9.99\"}");
        assertThat(value(records.get(1)).has("price")).as("empty cells are left out").isFalse();
    }

    @Test
    void puts_dotted_columns_inside_their_property_object() throws Exception {
        Path file = write(dir, "a.csv",
                "event_type,event_properties.plan,event_properties.a.b,user_properties.age,groups.company,group_properties.tier,other.x\n"
                        + "play,pro,dotted,42,acme,gold,y\n");
        assertThat(value(readAll(file).get(0)).toString()).isEqualTo("{\"event_type\":\"play\","
                + "\"event_properties\":{\"plan\":\"pro\",\"a.b\":\"dotted\"},\"user_properties\":{\"age\":\"42\"},"
                + "\"groups\":{\"company\":\"acme\"},\"group_properties\":{\"tier\":\"gold\"},\"other.x\":\"y\"}");
    }

    @Test
    void leaves_a_json_property_cell_as_text_for_the_mapper() throws Exception {
        Path file = write(dir, "a.csv", "event_type,event_properties\nplay,\"{\"\"plan\"\":\"\"pro\"\",\"\"n\"\":2}\"\n");
        assertThat(value(readAll(file).get(0)).get("event_properties").textValue()).isEqualTo("{\"plan\":\"pro\",\"n\":2}");
    }

    @Test
    void joins_a_json_property_cell_and_dotted_columns_with_the_dotted_ones_winning() throws Exception {
        Path jsonFirst = write(dir, "a.csv", "event_properties,event_properties.plan\n\"{\"\"plan\"\":\"\"free\"\",\"\"n\"\":2}\",pro\n");
        Path dottedFirst = write(dir, "b.csv", "event_properties.plan,event_properties\npro,\"{\"\"plan\"\":\"\"free\"\",\"\"n\"\":2}\"\n");
        assertThat(value(readAll(jsonFirst).get(0)).get("event_properties").toString()).isEqualTo("{\"plan\":\"pro\",\"n\":2}");
        assertThat(value(readAll(dottedFirst).get(0)).get("event_properties").toString()).isEqualTo("{\"plan\":\"pro\",\"n\":2}");
    }

    @Test
    void handles_quoted_cells_with_commas_quotes_and_line_breaks() throws Exception {
        Path file = write(dir, "a.csv", "event_type,note\r\n\"a,b\",\"say \"\"hi\"\"\r\nsecond line\"\r\nnext,x\r\n");
        List<SourceRecord> records = readAll(file);
        assertThat(value(records.get(0)).get("event_type").asText()).isEqualTo("a,b");
        assertThat(value(records.get(0)).get("note").asText()).isEqualTo("say \"hi\"\r\nsecond line");
        assertThat(records).extracting(SourceRecord::line).containsExactly(2L, 4L);
    }

    @Test
    void rejects_a_row_with_more_cells_than_the_header_and_goes_on() throws Exception {
        Path file = write(dir, "a.csv", "a,b\n1,2\n1,2,3,4\n5,6\n");
        List<SourceRecord> records = readAll(file);
        assertThat(records.get(1)).satisfies(r -> {
            assertThat(reason(r)).isEqualTo("row has 4 cells, header has 2");
            assertThat(raw(r)).as("the header and the row: a CSV file again, once fixed").isEqualTo("a,b\n1,2,3,4");
            assertThat(r.line()).isEqualTo(3);
        });
        assertThat(isTree(records.get(2))).isTrue();
    }

    @Test
    void tolerates_empty_cells_past_the_header_as_from_a_trailing_comma() throws Exception {
        Path file = write(dir, "a.csv", "a,b\n1,2,\n");
        assertThat(readAll(file)).singleElement().satisfies(r -> assertThat(value(r).toString()).isEqualTo("{\"a\":\"1\",\"b\":\"2\"}"));
    }

    @Test
    void skips_blank_and_all_empty_rows_but_counts_their_lines() throws Exception {
        Path file = write(dir, "a.csv", "a,b\n\n,\n1,2\n");
        assertThat(readAll(file)).singleElement().satisfies(r -> assertThat(r.line()).isEqualTo(4));
    }

    @Test
    void rejects_only_the_row_that_is_not_valid_utf8() throws Exception {
        byte[] content = concat(utf8("event_type,name\nplay,ok\nplay,caf"), new byte[] {(byte) 0xE9}, utf8("\nplay,café\n"));
        List<SourceRecord> records = readAll(write(dir, "a.csv", content));
        assertThat(records).extracting(Records::reason).containsExactly(null, "not valid UTF-8: a byte in this row (raw has U+FFFD in its place)", null);
        assertThat(raw(records.get(1))).isEqualTo("event_type,name\nplay,caf\uFFFD");
        assertThat(records.get(1).line()).isEqualTo(3);
        assertThat(value(records.get(2)).get("name").asText()).isEqualTo("café");
    }

    @Test
    void pins_invalid_utf8_to_the_right_rows_across_buffer_boundaries() throws Exception {
        java.io.ByteArrayOutputStream content = new java.io.ByteArrayOutputStream();
        content.writeBytes(utf8("event_type,note\n"));
        java.util.Set<Long> badLines = new java.util.TreeSet<>();
        for (int row = 0; row < 20_000; row++) {
            content.writeBytes(utf8("e" + row + ",\"quoted, text " + "é".repeat(row % 7)));
            if (row % 997 == 0 || row % 1499 == 0) {
                content.write(0xFF);
                badLines.add(row + 2L);
            }
            content.writeBytes(utf8(row % 3 == 0 ? "\"\r\n" : "\"\n"));
        }
        List<SourceRecord> records = readAll(write(dir, "big.csv", content.toByteArray()));
        assertThat(records).hasSize(20_000);
        assertThat(records.stream().filter(r -> !isTree(r)).map(SourceRecord::line).toList()).containsExactlyElementsOf(badLines);
        assertThat(value(records.get(19_999)).get("event_type").asText()).isEqualTo("e19999");
    }

    @Test
    void ignores_a_byte_order_mark_before_the_header() throws Exception {
        byte[] content = concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, utf8("event_type\nplay\n"));
        assertThat(value(readAll(write(dir, "a.csv", content)).get(0)).has("event_type")).isTrue();
    }

    @Test
    void ends_the_file_at_an_unclosed_quote() throws Exception {
        List<SourceRecord> records = readAll(write(dir, "a.csv", "a,b\n1,2\n3,\"unclosed\n4,5\n"));
        assertThat(isTree(records.get(0))).isTrue();
        assertThat(reason(records.get(records.size() - 1))).startsWith("not valid CSV from here on: ");
    }

    @Test
    void reads_an_empty_file_as_no_records() throws Exception {
        assertThat(readAll(write(dir, "a.csv", ""))).isEmpty();
        assertThat(readAll(write(dir, "b.csv", "a,b\n"))).isEmpty();
    }
}

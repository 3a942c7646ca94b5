package io.ampfill.event;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ampfill.source.RecordReader;
import io.ampfill.source.RecordReaders;
import io.ampfill.source.SourceRecord;
import io.ampfill.source.SourceRecord.Line;
import io.ampfill.source.SourceRecord.Tree;
import io.ampfill.source.SourceRecord.Unreadable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one way into mapping: whatever kind a record is read as, it becomes the event the tree path makes of it, or
 * is refused with the reason and kept for its dead letter as read; an NDJSON file's event lines, however the file
 * writes them, take the line path.
 */
class RecordMapperTest {
    private static final MappingSettings SETTINGS = new MappingSettings();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EVENT = "{\"event_type\":\"play\",\"device_id\":\"device-1\",\"time\":1709294400000,"
            + "\"event_properties\":{\"song\":\"Nights\",\"seconds\":107}}";

    @TempDir
    Path dir;

    @Test
    void maps_every_line_of_an_ndjson_file_as_the_tree_path_does_and_its_event_lines_on_the_line_path() throws Exception {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        content.writeBytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        content.writeBytes(utf8(EVENT + "\r\n"
                + "\n"
                + "  " + EVENT.replace("device-1", "device-2") + "  \n"
                + "{\"event_type\":\"play\",\"device_id\":\"device-1\",\"device_id\":\"device-3\",\"time\":1709294400000}\n"
                + "{\"event_type\":\"play\"}\n"
                + "not json\n"
                + "[1,2]\n"
                + "{\"reason\":\"missing field time\",\"source\":\"a.ndjson\",\"line\":3,\"record\":" + EVENT.replace("device-1", "device-5") + "}\n"));
        content.writeBytes(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, '"', '}', '\n'});
        content.writeBytes(utf8(EVENT.replace("device-1", "device-4")));
        List<SourceRecord> records = readAll(Files.write(dir.resolve("mixed.ndjson"), content.toByteArray()));

        List<MappingOutcome> outcomes = records.stream().map(new RecordMapper(SETTINGS)::map).toList();

        assertThat(records).extracting(SourceRecord::line).containsExactly(1L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
        assertThat(outcomes).extracting(o -> o instanceof MappedEvent event ? event.deviceId() : ((Refused) o).reason())
                .containsExactly("device-1", "device-2", "device-3",
                        "missing field user_id or device_id",
                        "not valid JSON: unexpected 'not' where a value should be (a string in double quotes, a number, true, false, null, an object or an array)",
                        "not a JSON object",
                        "device-5",
                        "not valid UTF-8: byte 0xC3 at byte 7 of the line (raw has U+FFFD in its place)",
                        "device-4");
        TreeMapper trees = new TreeMapper(SETTINGS);
        for (int i = 0; i < records.size(); i++) {
            SourceRecord read = records.get(i) instanceof Line line ? line.parsed() : records.get(i);
            MappingOutcome outcome = outcomes.get(i);
            if (read instanceof Tree tree && trees.map(tree.value()) instanceof MappedEvent expected) {
                assertThat(((MappedEvent) outcome).insertId()).as("line %d", read.line()).isEqualTo(expected.insertId());
                // the same fields and values; the line path writes them in another order
                assertThat(JSON.readTree(((MappedEvent) outcome).json())).as("line %d", read.line()).isEqualTo(JSON.readTree(expected.json()));
            } else {
                // the dead letter keeps the record as read: the object, or the text that is none
                assertThat(((Refused) outcome).asRead()).as("line %d", read.line()).isEqualTo(read);
            }
        }
        // the event lines (BOM, CRLF, spaces, last line without newline) take the line path; the duplicate key, the
        // refused and broken lines and the dead-letter line are the tree path's
        LineMapper lines = new LineMapper(SETTINGS);
        assertThat(records).extracting(r -> r instanceof Line line && lines.tryMap(line.bytes(), line.offset(), line.length()) != null)
                .containsExactly(true, true, false, false, false, false, false, false, true);
    }

    @Test
    void refuses_input_that_could_not_be_read_with_the_readers_reason_and_what_it_kept() throws Exception {
        List<SourceRecord> records = readAll(Files.writeString(dir.resolve("a.csv"), "event_type,device_id\nplay,device-1,extra\n"));

        assertThat(records).singleElement().isInstanceOf(Unreadable.class);
        assertThat(new RecordMapper(SETTINGS).map(records.get(0))).isInstanceOfSatisfying(Refused.class, refused -> {
            assertThat(refused.reason()).isEqualTo("row has 3 cells, header has 2");
            assertThat(((Unreadable) refused.asRead()).raw()).isEqualTo("event_type,device_id\nplay,device-1,extra");
        });
    }

    private static List<SourceRecord> readAll(Path file) throws Exception {
        List<SourceRecord> records = new ArrayList<>();
        try (RecordReader reader = RecordReaders.open(file)) {
            while (reader.readChunk(records, 3)) {
                // reads all, in small chunks
            }
        }
        return records;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}

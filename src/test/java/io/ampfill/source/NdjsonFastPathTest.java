package io.ampfill.source;

import io.ampfill.event.TreeMapper;
import io.ampfill.event.LineMapper;
import io.ampfill.event.MappedEvent;
import io.ampfill.event.MappingSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.ampfill.source.SourceFiles.concat;
import static io.ampfill.source.SourceFiles.readAll;
import static io.ampfill.source.SourceFiles.utf8;
import static io.ampfill.source.SourceFiles.write;
import static org.assertj.core.api.Assertions.assertThat;

/** With the fast mapper, an NDJSON file yields the same records, lines and errors as without; only event lines come mapped. */
class NdjsonFastPathTest {
    private static final MappingSettings SETTINGS = new MappingSettings();
    private static final String EVENT = "{\"event_type\":\"play\",\"device_id\":\"device-1\",\"time\":1709294400000,"
            + "\"event_properties\":{\"song\":\"Nights\",\"seconds\":107}}";

    @TempDir
    Path dir;

    @Test
    void maps_event_lines_on_the_fast_path_and_reads_every_other_line_as_before() throws Exception {
        byte[] content = concat(new byte[]{(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, utf8(EVENT + "\r\n"
                + "\n"
                + "  " + EVENT.replace("device-1", "device-2") + "  \n"
                + "{\"event_type\":\"play\",\"device_id\":\"device-1\",\"device_id\":\"device-3\",\"time\":1709294400000}\n"
                + "{\"event_type\":\"play\"}\n"
                + "not json\n"
                + "[1,2]\n"
                + "{\"reason\":\"missing field time\",\"source\":\"a.ndjson\",\"line\":3,\"record\":" + EVENT + "}\n"),
                new byte[]{'{', '"', 'a', '"', ':', '"', (byte) 0xC3, '"', '}', '\n'},
                utf8(EVENT.replace("device-1", "device-4")));
        Path file = write(dir, "mixed.ndjson", content);

        List<SourceRecord> asBefore = readAll(file);
        List<SourceRecord> fast = readWithFastPath(file);

        assertThat(fast).extracting(SourceRecord::line).containsExactlyElementsOf(asBefore.stream().map(SourceRecord::line).toList());
        assertThat(fast).extracting(SourceRecord::error).containsExactlyElementsOf(asBefore.stream().map(SourceRecord::error).toList());
        assertThat(fast).extracting(SourceRecord::raw).containsExactlyElementsOf(asBefore.stream().map(SourceRecord::raw).toList());
        TreeMapper general = new TreeMapper(SETTINGS);
        for (int i = 0; i < fast.size(); i++) {
            SourceRecord record = fast.get(i);
            if (record.mapped() != null) {
                MappedEvent expected = (MappedEvent) general.map(asBefore.get(i).value());
                assertThat(record.mapped().insertId()).isEqualTo(expected.insertId());
                assertThat(new String(record.mapped().json(), StandardCharsets.UTF_8)).contains("\"device_id\":\"" + expected.deviceId() + "\"");
            } else {
                assertThat(record.value()).isEqualTo(asBefore.get(i).value());
            }
        }
        // the event lines (BOM, CRLF, spaces, last line without newline) are mapped; the duplicate key, the
        // rejected and broken lines and the dead-letter line take the tree path
        assertThat(fast).extracting(r -> r.mapped() != null).containsExactly(true, true, false, false, false, false, false, false, true);
    }

    private static List<SourceRecord> readWithFastPath(Path file) throws Exception {
        List<SourceRecord> records = new ArrayList<>();
        try (RecordReader reader = RecordReaders.open(file, new LineMapper(SETTINGS))) {
            while (reader.readChunk(records, 3)) {
                // reads all, in small chunks
            }
        }
        return records;
    }
}

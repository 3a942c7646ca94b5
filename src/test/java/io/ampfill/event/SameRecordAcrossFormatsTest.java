package io.ampfill.event;

import io.ampfill.source.RecordReader;
import io.ampfill.source.RecordReaders;
import io.ampfill.source.SourceRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The promise behind derived insert ids, end to end: dropping the same data again in another format does not duplicate it. */
class SameRecordAcrossFormatsTest {
    @TempDir
    Path dir;

    @Test
    void gives_a_record_from_a_csv_file_and_from_an_ndjson_file_the_same_event_and_insert_id() throws Exception {
        Path csv = Files.writeString(dir.resolve("week1.csv"),
                "event_type,device_id,time,price,event_properties.plan,event_properties.seats,color\n"
                        + "buy,device-1,2024-03-01T12:00:00Z,9.5,pro,3,red\n");
        Path ndjson = Files.writeString(dir.resolve("again.ndjson"),
                "{\"event_type\":\"buy\",\"device_id\":\"device-1\",\"time\":1709294400000,\"price\":9.5,"
                        + "\"event_properties\":{\"plan\":\"pro\",\"seats\":3},\"color\":\"red\"}\n");
        EventMapper mapper = new EventMapper(new MappingSettings());
        MappedEvent fromCsv = (MappedEvent) mapper.map(single(csv).value());
        MappedEvent fromNdjson = (MappedEvent) mapper.map(single(ndjson).value());
        assertThat(fromCsv.insertId()).isEqualTo(fromNdjson.insertId());
    }

    private static SourceRecord single(Path file) throws Exception {
        List<SourceRecord> records = new ArrayList<>();
        try (RecordReader reader = RecordReaders.open(file)) {
            while (reader.readChunk(records, 10)) {
                // reads all
            }
        }
        assertThat(records).hasSize(1);
        return records.get(0);
    }
}

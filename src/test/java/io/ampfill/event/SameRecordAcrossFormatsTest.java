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
        RecordMapper mapper = new RecordMapper(new MappingSettings());
        MappedEvent fromCsv = (MappedEvent) mapper.map(single(csv));
        MappedEvent fromNdjson = (MappedEvent) mapper.map(single(ndjson));
        assertThat(fromCsv.insertId()).isEqualTo(fromNdjson.insertId());
    }

    @Test
    void refuses_an_implausible_time_with_the_same_reason_from_every_format() throws Exception {
        MappingSettings settings = ImplausibleTimesTest.SETTINGS;
        RecordMapper mapper = new RecordMapper(settings);
        String[][] cases = {
                {"1709294400000000", "time looks like microseconds, not milliseconds: 1709294400000000"},
                {"1709294400000000000", "time looks like nanoseconds, not milliseconds: 1709294400000000000"},
                {"-1709294400000", "time is before 1970-01-01: -1709294400000"},
                {"32503680000000", "time is more than 1d in the future (backfill.max-time-ahead): 32503680000000 (3000-01-01T00:00:00Z)"},
                {"\"3000-01-01T00:00:00Z\"", "time is more than 1d in the future (backfill.max-time-ahead): \"3000-01-01T00:00:00Z\""},
                {"\"1960-01-01 00:00:00.000000\"", "time is before 1970-01-01: \"1960-01-01 00:00:00.000000\""}};
        for (String[] c : cases) {
            String cell = c[0].replace("\"", "");
            Path ndjson = Files.writeString(dir.resolve("t.ndjson"), "{\"event_type\":\"buy\",\"device_id\":\"device-1\",\"time\":" + c[0] + "}\n");
            Path export = Files.writeString(dir.resolve("t.json"), "[{\"event_type\":\"buy\",\"device_id\":\"device-1\",\"event_time\":" + c[0] + "}]");
            Path csv = Files.writeString(dir.resolve("t.csv"), "event_type,device_id,time\nbuy,device-1," + cell + "\n");
            for (Path file : List.of(ndjson, export, csv)) {
                assertThat(mapper.map(single(file))).as("%s in %s", c[0], file)
                        .isInstanceOfSatisfying(Refused.class, refused -> assertThat(refused.reason()).isEqualTo(c[1]));
            }
        }
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

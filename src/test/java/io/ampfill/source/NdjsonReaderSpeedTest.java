package io.ampfill.source;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A quick measure, printed, not asserted: timings on a shared 2-core machine are too noisy to gate a build on. */
class NdjsonReaderSpeedTest {
    private static final int LINES = 100_000;

    @TempDir
    Path dir;

    @Test
    void prints_microseconds_per_ndjson_record() throws Exception {
        Path file = dir.resolve("speed.ndjson");
        try (BufferedWriter out = Files.newBufferedWriter(file)) {
            for (int i = 0; i < LINES; i++) {
                out.write("{\"event_type\":\"song_played\",\"user_id\":\"user-" + (i % 97) + "\",\"device_id\":\"device-" + (i % 31)
                        + "-abcdef\",\"time\":" + (1709294400000L + i) + ",\"platform\":\"iOS\",\"os_version\":\"17.2\",\"city\":\"Berlin\","
                        + "\"event_properties\":{\"song_id\":" + i + ",\"genre\":\"jazz\",\"duration_ms\":215000,\"shuffle\":true},"
                        + "\"user_properties\":{\"plan\":\"premium\"}}\n");
            }
        }
        read(file);
        long start = System.nanoTime();
        long records = read(file);
        long elapsed = System.nanoTime() - start;
        assertThat(records).isEqualTo(LINES);
        System.out.printf("NdjsonReader: %.2f us/record (%d records, %d MB)%n", elapsed / 1000.0 / LINES, LINES, Files.size(file) >> 20);
    }

    private static long read(Path file) throws Exception {
        long count = 0;
        List<SourceRecord> chunk = new ArrayList<>(500);
        try (RecordReader reader = RecordReaders.open(file)) {
            boolean more = true;
            while (more) {
                chunk.clear();
                more = reader.readChunk(chunk, 500);
                count += chunk.size();
            }
        }
        return count;
    }
}

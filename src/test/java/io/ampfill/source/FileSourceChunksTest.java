package io.ampfill.source;

import io.ampfill.ledger.AckLedger;
import io.ampfill.ledger.SourceUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

import static org.assertj.core.api.Assertions.assertThat;

/** A file's records come in chunks of backfill.chunk-size records, and of a few MB of input at most. */
class FileSourceChunksTest {
    @TempDir
    Path dir;

    @Test
    void small_records_come_in_chunks_of_the_chunk_size() throws IOException {
        List<Integer> sizes = chunkSizes(write("small.ndjson", 12_000, 100), 5000);

        assertThat(sizes).containsExactly(5000, 5000, 2000);
    }

    @Test
    void large_records_make_chunks_of_a_few_megabytes_not_of_the_chunk_size() throws IOException {
        // 600 records of 40 KB: 5,000 of them would be 200 MB in one chunk
        List<Integer> sizes = chunkSizes(write("large.ndjson", 600, 40_000), 5000);

        assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(600);
        assertThat(sizes).allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(250));
    }

    private List<Integer> chunkSizes(Path file, int chunkSize) throws IOException {
        SourceUnit unit = new AckLedger().open(file.getFileName().toString());
        List<Integer> sizes = new ArrayList<>();
        long expectedLine = 1;
        LongAdder bytesRead = new LongAdder();
        try (FileSource.Chunks chunks = new FileSource.Chunks(RecordReaders.open(file), chunkSize, 0, unit, () -> false,
                bytesRead::add, (e, records) -> { throw new AssertionError(e); })) {
            while (chunks.hasNext()) {
                List<SourceRecord> chunk = chunks.next();
                for (SourceRecord record : chunk) {
                    assertThat(record.line()).isEqualTo(expectedLine++); // every record, once, in order
                }
                sizes.add(chunk.size());
            }
        }
        assertThat(bytesRead.sum()).as("bytes read, as told for progress").isEqualTo(Files.size(file));
        return sizes;
    }

    private Path write(String name, int records, int bytesEach) throws IOException {
        Path file = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < records; i++) {
                String head = "{\"event_type\":\"e\",\"device_id\":\"device-" + i + "\",\"pad\":\"";
                String line = head + "x".repeat(Math.max(0, bytesEach - head.length() - 3)) + "\"}\n";
                out.write(line.getBytes(StandardCharsets.UTF_8));
            }
        }
        return file;
    }
}

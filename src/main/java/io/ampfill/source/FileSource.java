package io.ampfill.source;

import io.ampfill.event.FastEventMapper;
import io.ampfill.ledger.AckLedger;
import io.ampfill.ledger.CheckpointStore;
import io.ampfill.ledger.SourceUnit;
import org.apache.camel.Exchange;
import org.apache.camel.component.file.GenericFile;

import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.BooleanSupplier;

/**
 * The file-drop source, as the file route uses it: opens a picked-up file as a {@link SourceUnit} of the
 * ledger and hands its records on in chunks, so the route costs one exchange per chunk, not per record.
 * A file with a checkpoint (a killed run sent part of it) resumes after its committed position; the
 * records before it are read past, not sent again.
 */
public final class FileSource {
    /** The exchange property that carries the unit from the split to the settle step. */
    public static final String UNIT = "ampfillUnit";

    private final AckLedger ledger;
    private final CheckpointStore checkpoints;
    private final int chunkSize;
    private final BooleanSupplier stopping;
    private final FastEventMapper events;

    public FileSource(AckLedger ledger, CheckpointStore checkpoints, int chunkSize, BooleanSupplier stopping,
                      FastEventMapper events) {
        this.ledger = ledger;
        this.checkpoints = checkpoints;
        this.chunkSize = chunkSize;
        this.stopping = stopping;
        this.events = events;
    }

    /** Registers the file and returns its records as a lazy sequence of chunks (closed by the splitter). */
    public Iterator<List<SourceRecord>> open(Exchange exchange) throws IOException {
        GenericFile<?> file = exchange.getIn().getBody(GenericFile.class);
        Path path = ((File) file.getFile()).toPath();
        String name = file.getRelativeFilePath();
        String fingerprint = fingerprint(file);
        String key = checkpointKey(name);
        SourceUnit unit = ledger.open(name, key, fingerprint,
                checkpoints.load(key).filter(c -> c.fingerprint().equals(fingerprint)).orElse(null));
        long start = unit.committedOrdinal();
        exchange.setProperty(UNIT, unit);
        return new Chunks(RecordReaders.open(path, events), chunkSize, start, unit, stopping);
    }

    /** Files' positions are stored under "file:" and their name relative to the inbox. */
    public static String checkpointKey(String relativeName) {
        return "file:" + relativeName;
    }

    /** Size and modification time: a different file dropped under the same name starts from the beginning. */
    static String fingerprint(GenericFile<?> file) {
        return file.getFileLength() + "@" + file.getLastModified();
    }

    static final class Chunks implements Iterator<List<SourceRecord>>, Closeable {
        /** Input a chunk comes from, at most (a reader may read up to one step further): bounds a chunk's memory. */
        private static final long CHUNK_BYTES = 4L << 20;
        /** Records read at a time while a chunk is filled. */
        private static final int STEP = 250;
        private static final int PRESIZED = 8192;

        private final RecordReader reader;
        private final int size;
        private final SourceUnit unit;
        private final BooleanSupplier stopping;
        private long toSkip;
        private List<SourceRecord> next;
        private boolean more = true;

        Chunks(RecordReader reader, int size, long skip, SourceUnit unit, BooleanSupplier stopping) {
            this.reader = reader;
            this.size = size;
            this.toSkip = skip;
            this.unit = unit;
            this.stopping = stopping;
        }

        @Override
        public boolean hasNext() {
            while (next == null && more) {
                if (stopping.getAsBoolean()) {
                    unit.cutReading(); // what was read is delivered and checkpointed; the rest waits for the next run
                    close();
                    return false;
                }
                // room for a whole chunk of the default size from the start: growing it step by step copied it five times
                List<SourceRecord> chunk = new ArrayList<>(Math.min(size, PRESIZED));
                try {
                    // at most size records, and no more than CHUNK_BYTES of input: large events make small chunks
                    long start = reader.inputBytes();
                    do {
                        more = reader.readChunk(chunk, Math.min(STEP, size - chunk.size()));
                    } while (more && chunk.size() < size && reader.inputBytes() - start < CHUNK_BYTES);
                    if (!more) {
                        reader.close();
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                if (toSkip > 0) {
                    int skipped = (int) Math.min(toSkip, chunk.size());
                    chunk.subList(0, skipped).clear();
                    toSkip -= skipped;
                }
                next = chunk.isEmpty() ? null : chunk;
            }
            return next != null;
        }

        @Override
        public List<SourceRecord> next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            List<SourceRecord> chunk = next;
            next = null;
            return chunk;
        }

        @Override
        public void close() {
            try {
                reader.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}

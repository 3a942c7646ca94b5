package io.ampfill.source;

import io.ampfill.ledger.AckLedger;
import io.ampfill.ledger.CheckpointStore;
import io.ampfill.ledger.SourceUnit;
import io.ampfill.report.RunReport;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import java.util.function.ObjLongConsumer;

/**
 * The file-drop source, as the file route uses it: opens a picked-up file as a {@link SourceUnit} of the
 * ledger and hands its records on in chunks, so the route costs one exchange per chunk, not per record.
 * A file with a checkpoint (a killed run sent part of it) resumes after its committed position; the
 * records before it are read past, not sent again.
 */
public final class FileSource {
    private final AckLedger ledger;
    private final CheckpointStore checkpoints;
    private final int chunkSize;
    private final BooleanSupplier stopping;
    private final FilesNotRead notRead;
    private final RunReport report;
    /** The positions earlier runs saved, read at the first file: a query a file was a tenth of a small file's cost. */
    private Map<String, CheckpointStore.Checkpoint> earlierRuns;

    /** @param report told each file's size as it is opened and the bytes of it read, for progress */
    public FileSource(AckLedger ledger, CheckpointStore checkpoints, int chunkSize, BooleanSupplier stopping,
                      FilesNotRead notRead, RunReport report) {
        this.ledger = ledger;
        this.checkpoints = checkpoints;
        this.chunkSize = chunkSize;
        this.stopping = stopping;
        this.notRead = notRead;
        this.report = report;
    }

    /**
     * Registers the file and returns its unit with its records as a lazy sequence of chunks (closed by the splitter).
     *
     * @param name        the file's name relative to the inbox (its checkpoint's key)
     * @param fingerprint tells a different file dropped under the same name, which starts from the beginning
     * @throws FileNotReadException the file cannot be opened (it is told why, and stays in the inbox)
     */
    public Chunks open(Path path, String name, String fingerprint) {
        if (earlierRuns == null) {
            earlierRuns = checkpoints.loadAll(checkpointKey(""));
        }
        RecordReader reader;
        try {
            reader = RecordReaders.open(path);
        } catch (IOException e) {
            notRead.refuse(name, IoErrorText.of(e));
            throw new FileNotReadException(name);
        }
        String key = checkpointKey(name);
        CheckpointStore.Checkpoint saved = earlierRuns.get(key);
        SourceUnit unit;
        try {
            // resumes at the saved position, its dead-letter file cut back to the length saved with it
            unit = ledger.open(name, key, fingerprint, saved != null && saved.fingerprint().equals(fingerprint) ? saved : null);
        } catch (RuntimeException e) {
            try {
                reader.close();
            } catch (IOException alsoFailed) {
                e.addSuppressed(alsoFailed);
            }
            throw e;
        }
        long start = unit.committedOrdinal();
        report.inputFile(name, path.toFile().length());
        return new Chunks(reader, chunkSize, start, unit, stopping, report::inputRead, (e, records) -> notRead.refuse(name, records == 0
                ? "reading it failed: " + IoErrorText.of(e)
                : "reading it failed after record " + records + ": " + IoErrorText.of(e)
                        + "; the records before are delivered, and the next run resumes after them"));
    }

    /** Files' positions are stored under "file:" and their name relative to the inbox. */
    public static String checkpointKey(String relativeName) {
        return "file:" + relativeName;
    }

    /** A file's records in chunks, for the route's splitter, and the unit they settle. */
    public static final class Chunks implements Iterator<List<SourceRecord>>, Closeable {
        /** Input a chunk comes from, at most (a reader may read up to one step further): bounds a chunk's memory. */
        private static final long CHUNK_BYTES = 4L << 20;
        /** Records read at a time while a chunk is filled. */
        private static final int STEP = 250;
        private static final int PRESIZED = 8192;

        /** Null once the file is read to its end: the exchange keeps this object until the file settles. */
        private RecordReader reader;
        private final int size;
        private final SourceUnit unit;
        private final BooleanSupplier stopping;
        private final ObjLongConsumer<IOException> failed;
        private final LongConsumer fileBytesRead;
        /** The file's bytes read as told so far. */
        private long fileBytesTold;
        private long toSkip;
        /** Records read from the file, the skipped ones too. */
        private long records;
        private List<SourceRecord> next;
        private boolean more = true;

        /** @param failed told how many records were read when the file could not be read on; the rest waits for the next run */
        Chunks(RecordReader reader, int size, long skip, SourceUnit unit, BooleanSupplier stopping,
               LongConsumer fileBytesRead, ObjLongConsumer<IOException> failed) {
            this.fileBytesRead = fileBytesRead;
            this.reader = reader;
            this.size = size;
            this.toSkip = skip;
            this.unit = unit;
            this.stopping = stopping;
            this.failed = failed;
        }

        /** The file's unit of the ledger, which its records settle. */
        public SourceUnit unit() {
            return unit;
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
                    long fileBytes = reader.fileBytes();
                    fileBytesRead.accept(fileBytes - fileBytesTold);
                    fileBytesTold = fileBytes;
                    if (!more) {
                        close();
                    }
                } catch (IOException e) {
                    // what was read goes on and is delivered; the file stays in the inbox, its position saved
                    failed.accept(e, records + chunk.size());
                    unit.cutReading();
                    more = false;
                    closeQuietly();
                }
                records += chunk.size();
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

        private void closeQuietly() {
            try {
                close();
            } catch (UncheckedIOException ignored) {
                // reading it failed already, and that was told
            }
        }

        @Override
        public void close() {
            if (reader == null) {
                return;
            }
            RecordReader closing = reader;
            // its buffers go now, not when the file settles: thousands of small files can be in flight at once
            reader = null;
            try {
                closing.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}

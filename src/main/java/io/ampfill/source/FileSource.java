package io.ampfill.source;

import io.ampfill.ledger.AckLedger;
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

/**
 * The file-drop source, as the file route uses it: opens a picked-up file as a {@link SourceUnit} of the
 * ledger and hands its records on in chunks, so the route costs one exchange per chunk, not per record.
 */
public final class FileSource {
    /** The exchange property that carries the unit from the split to the settle step. */
    public static final String UNIT = "ampfillUnit";

    private final AckLedger ledger;
    private final int chunkSize;

    public FileSource(AckLedger ledger, int chunkSize) {
        this.ledger = ledger;
        this.chunkSize = chunkSize;
    }

    /** Registers the file and returns its records as a lazy sequence of chunks (closed by the splitter). */
    public Iterator<List<SourceRecord>> open(Exchange exchange) throws IOException {
        GenericFile<?> file = exchange.getIn().getBody(GenericFile.class);
        Path path = ((File) file.getFile()).toPath();
        SourceUnit unit = ledger.open(file.getRelativeFilePath());
        exchange.setProperty(UNIT, unit);
        return new Chunks(RecordReaders.open(path), chunkSize);
    }

    private static final class Chunks implements Iterator<List<SourceRecord>>, Closeable {
        private final RecordReader reader;
        private final int size;
        private List<SourceRecord> next;
        private boolean more = true;

        Chunks(RecordReader reader, int size) {
            this.reader = reader;
            this.size = size;
        }

        @Override
        public boolean hasNext() {
            while (next == null && more) {
                List<SourceRecord> chunk = new ArrayList<>(size);
                try {
                    more = reader.readChunk(chunk, size);
                    if (!more) {
                        reader.close();
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
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
        public void close() throws IOException {
            reader.close();
        }
    }
}

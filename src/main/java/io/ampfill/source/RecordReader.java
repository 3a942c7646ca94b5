package io.ampfill.source;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/** Reads one input file record by record, a chunk at a time, without holding more than the chunk in memory. */
public interface RecordReader extends Closeable {

    /** Appends up to max records to out; returns false once the input is exhausted (records may still have been appended on that call). */
    boolean readChunk(List<SourceRecord> out, int max) throws IOException;

    /** Bytes of (uncompressed) input taken so far, what the reader buffers ahead included; 0 if not counted. */
    default long inputBytes() {
        return 0;
    }

    /** Bytes of the file itself taken so far (compressed ones for a .gz file): how far into the file reading is. */
    default long fileBytes() {
        return inputBytes();
    }
}

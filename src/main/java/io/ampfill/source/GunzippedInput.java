package io.ampfill.source;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * A gzip file's content, decompressed as it is read. The gzip header is read lazily, so that a file that is
 * not gzip at all is reported like a corrupt one (as {@link UnreadableInputException}) instead of failing open().
 */
final class GunzippedInput extends InputStream {
    /** Compressed bytes read from the file per call; large, because each call is a system call. */
    private static final int COMPRESSED_BUFFER = 1 << 16;

    private final InputStream file;
    private GZIPInputStream gzip;

    GunzippedInput(InputStream file) {
        this.file = file;
    }

    @Override
    public int read() throws IOException {
        try {
            return gzip().read();
        } catch (ZipException | EOFException e) {
            throw new UnreadableInputException(e);
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            return gzip().read(b, off, len);
        } catch (ZipException | EOFException e) {
            throw new UnreadableInputException(e);
        }
    }

    private GZIPInputStream gzip() throws IOException {
        if (gzip == null) {
            gzip = new GZIPInputStream(file, COMPRESSED_BUFFER);
        }
        return gzip;
    }

    @Override
    public void close() throws IOException {
        if (gzip != null) {
            gzip.close();
        } else {
            file.close();
        }
    }
}

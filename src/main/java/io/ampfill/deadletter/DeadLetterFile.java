package io.ampfill.deadletter;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One dead-letter file, written whole lines at a time through a buffer of its own (not a BufferedOutputStream: that
 * one, failing half-way through a write, leaves a cut-off line in the file and its bytes in the buffer to write again).
 * The file holds whole lines only: a write that fails is undone to the end of the last line written whole.
 * Used under the store's lock.
 */
final class DeadLetterFile {
    private static final int BUFFER_BYTES = 64 * 1024;

    final Path path;
    private FileChannel channel;
    private final byte[] buffer = new byte[BUFFER_BYTES];
    private int buffered;
    /** Bytes in the file, whole lines; -1 until the file is looked at. */
    private long written = -1;
    private boolean unforced;

    DeadLetterFile(Path path) {
        this.path = path;
    }

    /** The file's length once what is buffered is written. */
    long length() throws IOException {
        return written() + buffered;
    }

    void append(byte[] line, int length) throws IOException {
        open();
        if (buffered + length > buffer.length) {
            drain();
        }
        if (length > buffer.length) {
            write(ByteBuffer.wrap(line, 0, length));
            return;
        }
        System.arraycopy(line, 0, buffer, buffered, length);
        buffered += length;
    }

    /** Writes what is buffered to the file (to the operating system, which keeps it should ampfill be killed). */
    void drain() throws IOException {
        if (buffered > 0) {
            write(ByteBuffer.wrap(buffer, 0, buffered));
            buffered = 0;
        }
    }

    /** After a failed write: what was buffered is dropped and the file cut back to its last whole line. */
    void undo() {
        buffered = 0;
        if (channel != null && written >= 0) {
            try {
                channel.truncate(written);
            } catch (IOException stillFailing) {
                // nothing more can be done here; the next run cuts the file back to what its saved position counts
            }
        }
    }

    /** Flushes to the disk itself what the run wrote, and closes the file. */
    void close() throws IOException {
        if (channel == null) {
            return;
        }
        try {
            drain();
            if (unforced) {
                channel.force(false);
            }
        } finally {
            channel.close();
            channel = null;
        }
    }

    private void write(ByteBuffer bytes) throws IOException {
        int length = bytes.remaining();
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
        written += length;
        unforced = true;
    }

    private long written() throws IOException {
        if (written < 0) {
            written = Files.exists(path) ? Files.size(path) : 0;
        }
        return written;
    }

    private void open() throws IOException {
        if (channel == null) {
            Files.createDirectories(path.getParent());
            channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            written = endOfLastWholeLine(channel);
            channel.truncate(written);
            channel.position(written);
        }
    }

    /** A line cut off at the end (by a crash or an older version) would be glued to the next: it goes. */
    private static long endOfLastWholeLine(FileChannel file) throws IOException {
        ByteBuffer block = ByteBuffer.allocate(8192);
        long end = file.size();
        while (end > 0) {
            int length = (int) Math.min(block.capacity(), end);
            block.clear().limit(length);
            long from = end - length;
            while (block.hasRemaining() && file.read(block, from + block.position()) >= 0) {
                // read the whole block
            }
            for (int i = length - 1; i >= 0; i--) {
                if (block.get(i) == '\n') {
                    return from + i + 1;
                }
            }
            end = from;
        }
        return 0;
    }
}

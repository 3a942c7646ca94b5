package io.ampfill.deadletter;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.BiConsumer;

/**
 * One dead-letter file, written whole lines at a time through a buffer of its own (not a BufferedOutputStream: that
 * one, failing half-way through a write, leaves a cut-off line in the file and its bytes in the buffer to write again).
 * The file holds whole lines only: a write that fails is undone to the end of the last line written whole.
 * Used under the store's lock.
 */
final class DeadLetterFile {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BUFFER_BYTES = 64 * 1024;

    final Path path;
    /** The lines of the source now being read, for its checkpoints; null where none are saved (a dry run). */
    LineTrail trail;
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

    /**
     * A source resumes: the file goes back to the length saved with its position (-1: none), if it is longer and
     * that length ends a line; the lines after it are of records the source reads again. Returns the length then.
     */
    long resumeAt(long savedLength) throws IOException {
        drain(); // a source of the same name, done earlier in this run, wrote through this file
        if (channel == null && !Files.exists(path)) {
            written = 0;
            return 0;
        }
        open();
        if (savedLength >= 0 && written > savedLength && endsLine(savedLength)) {
            cut(savedLength);
        }
        return written;
    }

    /** As {@link #resumeAt}, as the run stops: the reason of each line cut goes to {@code withdrawn}. */
    void cutBack(long savedLength, BiConsumer<String, String> withdrawn) throws IOException {
        if (channel == null || savedLength < 0 || written <= savedLength || !endsLine(savedLength)) {
            return;
        }
        reasons(new BufferedReader(new InputStreamReader(new Region(channel, savedLength), StandardCharsets.UTF_8)), withdrawn);
        cut(savedLength);
        if (written == 0) {
            channel.close();
            channel = null;
            Files.delete(path); // an empty dead-letter file says nothing
        }
    }

    /**
     * After a failed write: what was buffered is dropped (each line's reason told to {@code withdrawn}) and the file cut
     * back to its last whole line.
     */
    void undo(BiConsumer<String, String> withdrawn) {
        if (buffered > 0) {
            try {
                reasons(new BufferedReader(new InputStreamReader(
                        new ByteArrayInputStream(buffer, 0, buffered), StandardCharsets.UTF_8)), withdrawn);
            } catch (IOException notFromMemory) {
                // reading a byte array does not fail
            }
            buffered = 0;
        }
        if (channel != null && written >= 0) {
            try {
                channel.truncate(written);
            } catch (IOException stillFailing) {
                // nothing more can be done here; the next run cuts the file back to what its saved position counts
            }
        }
    }

    /** Closes the file, with what it holds flushed to the disk itself if {@code force}. */
    void close(boolean force) throws IOException {
        if (channel == null) {
            return;
        }
        try {
            drain();
            if (force && unforced) {
                channel.force(false);
            }
        } finally {
            channel.close();
            channel = null;
        }
    }

    void closeQuietly() {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException ignored) {
            // the failure that led here is the one reported
        } finally {
            channel = null;
        }
    }

    private void cut(long length) throws IOException {
        channel.truncate(length);
        channel.position(length);
        written = length;
    }

    private boolean endsLine(long length) throws IOException {
        if (length == 0) {
            return true;
        }
        ByteBuffer last = ByteBuffer.allocate(1);
        return channel.read(last, length - 1) == 1 && last.get(0) == '\n';
    }

    /** Tells each line's source and reason. */
    private static void reasons(BufferedReader lines, BiConsumer<String, String> each) throws IOException {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            try {
                com.fasterxml.jackson.databind.JsonNode letter = JSON.readTree(line);
                String reason = letter.path("reason").asText(null);
                if (reason != null) {
                    each.accept(letter.path("source").asText(""), reason);
                }
            } catch (JacksonException notALine) {
                // only this store writes the file; a line it did not write counts for nothing
            }
        }
    }

    /** The file from a position to its end, read without moving or closing the channel. */
    private static final class Region extends InputStream {
        private final FileChannel file;
        private long position;

        Region(FileChannel file, long from) {
            this.file = file;
            this.position = from;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] into, int offset, int length) throws IOException {
            int n = file.read(ByteBuffer.wrap(into, offset, length), position);
            if (n > 0) {
                position += n;
            }
            return n;
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

package io.ampfill.delivery;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;

/**
 * The events of one lane beyond those it keeps in memory, in source order, in a file of their own. A device that
 * cannot send as fast as it is read (paced, paused by a quota, retrying) would otherwise fill the in-flight window
 * with its own events, and the reader, and with it every other device, would wait for it: its later events wait
 * here instead, and come back to the lane as it drains. Nothing here is a position: a crash loses the file and
 * the source, whose checkpoint never passes an unsettled event, reads those events again.
 *
 * <p>Not thread-safe: used under the lanes' lock. The events' origins stay in memory as runs (one entry per
 * change of origin), not in the file.
 */
final class LaneSpill implements AutoCloseable {
    private static final int FLUSH_BYTES = 16 * 1024;

    private final Path file;
    private final FileChannel channel;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private final DataOutputStream out = new DataOutputStream(pending);
    private final DataInputStream in;
    private long written;
    private int events;
    /** The origin of the spilled events, one entry per run of events from the same origin, oldest first. */
    private final ArrayDeque<OriginRun> origins = new ArrayDeque<>();
    /** The next event, read from the file but not taken yet. */
    private OutboundEvent next;

    private LaneSpill(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
        // reads go on where the last one stopped; appends are positional, so they do not move the read position
        this.in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel), FLUSH_BYTES));
    }

    static LaneSpill create(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path file = Files.createTempFile(dir, "lane-", ".spill");
        return new LaneSpill(file, FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE,
                StandardOpenOption.DELETE_ON_CLOSE));
    }

    /**
     * Deletes what a run that did not stop cleanly left behind. On Linux there is nothing: the JDK unlinks a
     * DELETE_ON_CLOSE file as soon as it is open, so it never outlives the process; elsewhere it may.
     */
    static void deleteLeftovers(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (var files = Files.newDirectoryStream(dir, "lane-*.spill")) {
            for (Path f : files) {
                Files.deleteIfExists(f);
            }
        }
    }

    void add(OutboundEvent event) throws IOException {
        out.writeInt(event.json().length);
        out.write(event.json());
        writeNullable(event.deviceId());
        writeNullable(event.userId());
        out.writeLong(event.ordinal());
        out.writeLong(event.line());
        OriginRun last = origins.peekLast();
        if (last != null && last.origin == event.origin()) {
            last.count++;
        } else {
            origins.addLast(new OriginRun(event.origin()));
        }
        events++;
        if (pending.size() >= FLUSH_BYTES) {
            flush();
        }
    }

    /** How many of the events waiting here came from this origin. */
    long count(EventOrigin origin) {
        long n = 0;
        for (OriginRun run : origins) {
            if (run.origin == origin) {
                n += run.count;
            }
        }
        return n;
    }

    boolean isEmpty() {
        return events == 0;
    }

    int size() {
        return events;
    }

    /** The oldest event, left in place. */
    OutboundEvent peek(String laneKey) {
        if (next == null && events > 0) {
            next = read(laneKey);
        }
        return next;
    }

    /** Takes the oldest event. */
    OutboundEvent take(String laneKey) {
        OutboundEvent event = peek(laneKey);
        next = null;
        events--;
        OriginRun run = origins.peekFirst();
        if (--run.count == 0) {
            origins.pollFirst();
        }
        return event;
    }

    private OutboundEvent read(String laneKey) {
        try {
            flush(); // the event may still be in the write buffer
            byte[] json = new byte[in.readInt()];
            in.readFully(json);
            String deviceId = readNullable();
            String userId = readNullable();
            long ordinal = in.readLong();
            long line = in.readLong();
            return new OutboundEvent(laneKey, deviceId, userId, json, origins.peekFirst().origin, ordinal, line);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read back the events of device " + laneKey + " kept in " + file, e);
        }
    }

    private void flush() throws IOException {
        if (pending.size() == 0) {
            return;
        }
        ByteBuffer bytes = ByteBuffer.wrap(pending.toByteArray());
        while (bytes.hasRemaining()) {
            written += channel.write(bytes, written);
        }
        pending.reset();
    }

    /** A length (-1 for null) and the UTF-8 bytes: writeUTF would refuse an id over 65,535 bytes, which nothing else limits. */
    private void writeNullable(String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private String readNullable() throws IOException {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        byte[] utf8 = new byte[length];
        in.readFully(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        try {
            channel.close(); // deletes the file
        } catch (IOException ignored) {
            // the next run deletes what is left
        }
    }

    private static final class OriginRun {
        final EventOrigin origin;
        int count = 1;

        OriginRun(EventOrigin origin) {
            this.origin = origin;
        }
    }
}

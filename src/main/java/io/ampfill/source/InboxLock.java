package io.ampfill.source;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One run at a time on an inbox: an operating-system lock on the file {@value #FILE_NAME} in it, held for the whole
 * run. Two runs on one inbox sent most of its events twice, each taking files the other had not moved yet. The
 * system releases the lock when the process ends in any way, kill -9 and a crash included, so nothing is ever left to
 * clean up. The file stays: deleting it on exit would let a third run lock a new file while a second still holds the
 * old one. Its name starts with a dot, so the file route never takes it (nor reads, nor moves it).
 */
public final class InboxLock implements AutoCloseable {
    public static final String FILE_NAME = ".ampfill.lock";

    /**
     * Lock files this JVM holds, and who holds them. Checked before the file is opened: a second channel on it in the
     * same process would only find the lock "overlapping", and closing that channel would release the first one's lock
     * (locks belong to the process, and closing any descriptor of the file drops them).
     */
    private static final Map<Path, String> HELD_HERE = new ConcurrentHashMap<>();

    private final Path file;
    private final FileChannel channel;

    private InboxLock(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /**
     * Locks the inbox (made if missing) for this run.
     *
     * @param shownAs the inbox as the user named it
     * @throws SourceLockException another run holds it, or the lock cannot be taken (one line, saying what to do)
     */
    public static InboxLock take(Path inbox, String shownAs) {
        Path file;
        try {
            file = Files.createDirectories(inbox).toRealPath().resolve(FILE_NAME);
        } catch (IOException e) {
            throw new SourceLockException("cannot lock the inbox " + shownAs + ": " + IoErrorText.of(e));
        }
        String holder = "process " + ProcessHandle.current().pid() + ", since " + Instant.now();
        String other = HELD_HERE.putIfAbsent(file, holder);
        if (other != null) {
            throw inUse(shownAs, other);
        }
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock = tryLock(channel);
            if (lock == null) {
                String held = heldBy(channel);
                channel.close();
                throw inUse(shownAs, held);
            }
            channel.truncate(0).write(ByteBuffer.wrap((holder + "\n").getBytes(StandardCharsets.UTF_8)));
            return new InboxLock(file, channel);
        } catch (IOException e) {
            HELD_HERE.remove(file);
            throw new SourceLockException("cannot lock the inbox " + shownAs + " (" + file + "): " + IoErrorText.of(e));
        } catch (RuntimeException e) {
            HELD_HERE.remove(file);
            throw e;
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }

    /** What the run holding the lock wrote into the file, when it can be read. */
    private static String heldBy(FileChannel channel) {
        try {
            ByteBuffer text = ByteBuffer.allocate(200);
            channel.read(text, 0);
            return new String(text.array(), 0, text.position(), StandardCharsets.UTF_8).strip();
        } catch (IOException unreadable) {
            return "";
        }
    }

    private static SourceLockException inUse(String inbox, String holder) {
        return new SourceLockException("another ampfill run is reading the inbox " + inbox
                + (holder.isEmpty() ? "" : " (" + holder + ")")
                + ": let it finish or stop it, then start again; or give this run another backfill.inbox");
    }

    /** Releases the lock (the process's end would too); the file stays. */
    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing the channel releases the lock whatever else fails
        } finally {
            HELD_HERE.remove(file);
        }
    }
}

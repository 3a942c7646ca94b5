package io.ampfill.camel;

import io.ampfill.source.InboxEntry;
import io.ampfill.source.FilesNotRead;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.LoggingLevel;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileEndpoint;
import org.apache.camel.component.file.GenericFileExclusiveReadLockStrategy;
import org.apache.camel.component.file.GenericFileOperations;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * When the file route takes a file of the inbox: once it is no longer being written, that is once its modification
 * time is {@code backfill.file-min-age} old, or its size and time have not changed for that long (a time set in the
 * future, by a copy that kept it or a server's clock, would otherwise never be old enough); and never before a file
 * whose name comes first, so that a device's events spread over hourly files keep their order. A file that is not
 * ready, and every later one, is left for a later poll, at once. A file that cannot be read (a folder named x.json,
 * a name that is not UTF-8, a file gone or unreadable) is told in one line by {@link FilesNotRead}, and does not hold
 * back the others.
 * <p>
 * Ours, not Camel's "changed" read lock: that one watched every file for a check interval even when it was old
 * enough (250 ms a file at a min-age of 0: 20,000 one-event files took 84 minutes, the CPU idle), and when a file
 * was still written after its timeout it skipped it and took the files after it.
 */
public final class InboxReadLock implements GenericFileExclusiveReadLockStrategy<File> {
    /**
     * The order files are taken in, the consumer's sorter: by name. Camel's sortBy evaluated its expression on
     * both files' exchanges at every comparison, a tenth of the reading thread's time for 10,000 files.
     */
    public static final Comparator<GenericFile<File>> NAME_ORDER = Comparator.comparing(GenericFile::getFileName);

    /** A file seen not ready: its size and time then, and since when they have not changed. */
    private record Seen(long length, long lastModified, long since) {
    }

    private final long minAgeMillis;
    private final LongSupplier wallClock;
    private final FilesNotRead notRead;
    private final Map<Path, Seen> waiting = new ConcurrentHashMap<>();
    /**
     * Names moved to the done folder during this poll and the one before: a file this run completes while Camel lists
     * the inbox can be listed, and then be gone, without anyone else having touched it.
     */
    private volatile Set<String> archivedNow = ConcurrentHashMap.newKeySet();
    private volatile Set<String> archivedBefore = Set.of();
    /** This poll's time, less the min-age: a file changed after it is too recent. */
    private long changedBefore;
    /** This poll met a file not ready yet: the files named after it wait for it. */
    private boolean holding;

    /** @param wallClock milliseconds since the epoch, the clock of files' modification times */
    public InboxReadLock(Duration minAge, LongSupplier wallClock, FilesNotRead notRead) {
        this.minAgeMillis = minAge.toMillis();
        this.wallClock = wallClock;
        this.notRead = notRead;
    }

    @Override
    public boolean acquireExclusiveReadLock(GenericFileOperations<File> operations, GenericFile<File> file, Exchange exchange) {
        // Camel numbers a poll's files in the order they are taken (NAME_ORDER); the first starts the poll
        if (exchange.getProperty(ExchangePropertyKey.BATCH_INDEX, 0, Integer.class) == 0) {
            changedBefore = wallClock.getAsLong() - minAgeMillis;
            holding = false;
            archivedBefore = archivedNow;
            archivedNow = ConcurrentHashMap.newKeySet();
        }
        String name = file.getFileNameOnly();
        if (holding || notRead.refused(name)) {
            return false;
        }
        Path path = file.getFile().toPath();
        InboxEntry entry = InboxEntry.of(path, name);
        if (entry.gone()) {
            if (!archivedNow.contains(name) && !archivedBefore.contains(name)) {
                notRead.tell(name, "it is gone (moved or deleted after it was listed)");
            }
            return false;
        }
        if (entry.problem() != null) {
            notRead.refuse(name, entry.problem());
            return false;
        }
        BasicFileAttributes attributes = entry.attributes();
        if (!ready(path, attributes.size(), attributes.lastModifiedTime().toMillis())) {
            holding = true;
            return false;
        }
        waiting.remove(path);
        return true;
    }

    private boolean ready(Path path, long length, long lastModified) {
        if (lastModified <= changedBefore) {
            return true;
        }
        long now = changedBefore + minAgeMillis;
        Seen seen = waiting.get(path);
        if (seen == null || seen.length() != length || seen.lastModified() != lastModified) {
            waiting.put(path, new Seen(length, lastModified, now));
            return false;
        }
        return now - seen.since() >= minAgeMillis;
    }

    /** The file is in the done folder now: if a poll listed it just before, it is not gone in the user's eyes. */
    void archived(String name) {
        archivedNow.add(name);
    }

    /** True when no file of the inbox waits to be ready (a run-once may end); files gone since are forgotten. */
    public boolean noneWaiting() {
        waiting.keySet().removeIf(path -> !Files.exists(path));
        return waiting.isEmpty();
    }

    @Override
    public void prepareOnStartup(GenericFileOperations<File> operations, GenericFileEndpoint<File> endpoint) {
        // nothing is locked: no lock files of an earlier run to clean up
    }

    @Override
    public void releaseExclusiveReadLockOnAbort(GenericFileOperations<File> operations, GenericFile<File> file, Exchange exchange) {
        // nothing was locked
    }

    @Override
    public void releaseExclusiveReadLockOnRollback(GenericFileOperations<File> operations, GenericFile<File> file, Exchange exchange) {
        // nothing was locked
    }

    @Override
    public void releaseExclusiveReadLockOnCommit(GenericFileOperations<File> operations, GenericFile<File> file, Exchange exchange) {
        // nothing was locked
    }

    @Override
    public void setTimeout(long timeout) {
        // never waits
    }

    @Override
    public void setCheckInterval(long checkInterval) {
        // never waits
    }

    @Override
    public void setReadLockLoggingLevel(LoggingLevel readLockLoggingLevel) {
        // says nothing: a file not ready is taken at a later poll
    }

    @Override
    public void setMarkerFiler(boolean markerFile) {
        // writes no marker files
    }

    @Override
    public void setDeleteOrphanLockFiles(boolean deleteOrphanLockFiles) {
        // writes no lock files
    }
}

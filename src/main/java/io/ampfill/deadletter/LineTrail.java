package io.ampfill.deadletter;

import io.ampfill.ledger.DeadLetterTrail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;

/**
 * The lines of one source's dead-letter file written since the last cut: for each, the record (or page) it is of and
 * where it ends. A cut is at a line boundary with only lines of records before the position ahead of it and only lines
 * of records at or after the position behind it. Its state is guarded by the store's lock, as the lines are appended.
 */
final class LineTrail implements DeadLetterTrail {
    private static final Logger LOG = LoggerFactory.getLogger(LineTrail.class);
    /**
     * Beyond this many lines since the last cut (records rejected far ahead of one that waits, a quota pause say),
     * neighbouring lines are merged: memory stays within 1.5 MB, and a cut between merged lines falls back to the
     * boundary before them, so a crash re-reads a little more.
     */
    private static final int MOST_ENTRIES = 1 << 16;

    private final Object lock;
    private final DeadLetterStore store;
    private final String source;
    private final Runnable saveStart;
    private final Object startLock = new Object();
    /** The checkpoint store has a length for this trail (or saving one failed and was said): lines may be written. */
    private volatile boolean startSaved;

    private long basePosition;
    private long baseLength;
    // entry i: lines of records lowest[i]..highest[i], ending at byte ends[i]
    private long[] lowest = new long[16];
    private long[] highest = new long[16];
    private long[] ends = new long[16];
    private int count;
    private long storedLength = -1;

    LineTrail(DeadLetterStore store, String source, long position, long length, boolean lengthSaved, Runnable saveStart) {
        this.lock = store;
        this.store = store;
        this.source = source;
        this.basePosition = position;
        this.baseLength = length;
        this.startSaved = lengthSaved;
        this.storedLength = lengthSaved ? length : -1;
        this.saveStart = saveStart;
    }

    /**
     * Before a line is written: the length the trail starts at must be in the checkpoint store, else a run killed after
     * this line resumes without it and writes the line again. Outside the store's lock: saving takes the checkpointer's.
     */
    void beforeLine() {
        if (startSaved) {
            return;
        }
        synchronized (startLock) {
            if (!startSaved) {
                try {
                    saveStart.run();
                } catch (RuntimeException e) {
                    LOG.warn("{}: could not save where its dead letters start ({}); if this run is killed before its next"
                            + " checkpoint, the next one may write some of them again", source, e.getMessage());
                } finally {
                    startSaved = true;
                }
            }
        }
    }

    /** Under the lock: a line of record (or page) {@code tag}, ending at byte {@code end}, was appended. */
    void added(long tag, long end) {
        if (count == ends.length) {
            if (count < MOST_ENTRIES) {
                lowest = Arrays.copyOf(lowest, count * 2);
                highest = Arrays.copyOf(highest, count * 2);
                ends = Arrays.copyOf(ends, count * 2);
            } else {
                mergeNeighbours();
            }
        }
        lowest[count] = tag;
        highest[count] = tag;
        ends[count] = end;
        count++;
    }

    @Override
    public Cut cutAt(long settled) {
        synchronized (lock) {
            // the latest boundary with every line before it of a record below the position, which is the settled one
            // or, if lower, the lowest record of a line after the boundary; scanning from the end with the lowest
            // record after each boundary, and the highest before it taken from the start
            long[] lowestAfter = new long[count + 1];
            lowestAfter[count] = Long.MAX_VALUE;
            for (int i = count - 1; i >= 0; i--) {
                lowestAfter[i] = Math.min(lowest[i], lowestAfter[i + 1]);
            }
            int boundary = 0;
            long highestBefore = Long.MIN_VALUE;
            for (int b = 0; b <= count; b++) {
                if (highestBefore < Math.min(settled, lowestAfter[b])) {
                    boundary = b;
                }
                if (b < count) {
                    highestBefore = Math.max(highestBefore, highest[b]);
                }
            }
            long position = Math.min(settled, lowestAfter[boundary]);
            long length = boundary == 0 ? baseLength : ends[boundary - 1];
            // the lines before the cut need not be looked at again: every later cut is at or after this one, even if
            // this one is not saved (a line written from now on is of a record not yet settled, so at or after it)
            forget(boundary);
            basePosition = position;
            baseLength = length;
            return new Cut(position, length);
        }
    }

    @Override
    public void stored(Cut cut) {
        synchronized (lock) {
            storedLength = Math.max(storedLength, cut.length());
        }
        startSaved = true;
    }

    @Override
    public void release() {
        store.release(source, this);
    }

    /** Under the lock: the length the checkpoint store holds; -1 if none. */
    long storedLength() {
        return storedLength;
    }

    private void forget(int entries) {
        if (entries == 0) {
            return;
        }
        int left = count - entries;
        System.arraycopy(lowest, entries, lowest, 0, left);
        System.arraycopy(highest, entries, highest, 0, left);
        System.arraycopy(ends, entries, ends, 0, left);
        count = left;
    }

    private void mergeNeighbours() {
        int merged = 0;
        for (int i = 0; i < count; i += 2) {
            int last = Math.min(i + 1, count - 1);
            lowest[merged] = Math.min(lowest[i], lowest[last]);
            highest[merged] = Math.max(highest[i], highest[last]);
            ends[merged] = ends[last];
            merged++;
        }
        count = merged;
    }

    @Override
    public String toString() {
        return source + " from " + basePosition + " at byte " + baseLength + ", " + count + " lines since";
    }
}

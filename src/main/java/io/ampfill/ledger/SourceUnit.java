package io.ampfill.ledger;

import io.ampfill.delivery.EventOrigin;

import java.util.BitSet;
import java.util.concurrent.CompletableFuture;

/**
 * One source of records read in order (a file today; a table cursor or a Kafka partition later), and how
 * far it is settled. A record is settled when Amplitude acknowledged it or it was dead-lettered. Records
 * settle out of order (devices run in parallel), so the unit keeps a watermark: every record with an
 * ordinal below {@link #committedOrdinal()} is settled, which is the position a resume may start from.
 */
public final class SourceUnit implements EventOrigin {
    private final String name;
    private final String checkpointKey;
    private final String fingerprint;
    private final CompletableFuture<SourceUnit> settled = new CompletableFuture<>();

    private long added;
    private long settledCount;
    private boolean readComplete;
    /** Set, under the lock, by the one call that completes {@link #settled}. */
    private boolean completing;
    // bit i stands for ordinal base + i
    private long base;
    private BitSet settledBits = new BitSet();
    private long committed;
    /** The position and dead-letter length the checkpoint store holds for this unit. */
    private long storedPosition;
    private long storedLength;
    private volatile boolean readCut;
    private DeadLetterTrail trail = DeadLetterTrail.NONE;
    /** A page of a table, whose dead letters all count as the page's: its number; else -1 (a record's is its ordinal). */
    private final long page;

    /**
     * A unit that resumes: the first {@code start} records were settled by an earlier run.
     * A null checkpoint key: the unit's source keeps its own position (a database page, say).
     */
    SourceUnit(String name, String checkpointKey, String fingerprint, long start, long storedLength, long page) {
        this.name = name;
        this.checkpointKey = checkpointKey;
        this.fingerprint = fingerprint;
        this.added = start;
        this.settledCount = start;
        this.base = start;
        this.committed = start;
        this.storedPosition = start;
        this.storedLength = storedLength;
        this.page = page;
    }

    /** Set once, before the unit is handed out. */
    void trail(DeadLetterTrail trail) {
        this.trail = trail;
    }

    /** What a dead letter of this record counts as, for its source's {@link DeadLetterTrail}: its ordinal, or its page. */
    public long deadLetterTag(long ordinal) {
        return page >= 0 ? page : ordinal;
    }

    /** This run is done with the unit: its last position is saved, or it is read to its end and about to commit. */
    public void release() {
        trail.release();
    }

    /** The name the user knows this source by (a file name), used in dead-letter records and the report. */
    public String name() {
        return name;
    }

    /** Reserves the next ordinal for a record just read. Called by the one thread that reads this unit. */
    public synchronized long nextOrdinal() {
        return added++;
    }

    /**
     * The next record read has this ordinal: those between are not records (a Kafka partition's offsets may skip: a
     * transaction's markers, a compacted topic) and count as settled. An ordinal already reserved is refused.
     */
    public synchronized void skipTo(long ordinal) {
        if (ordinal < added) {
            throw new IllegalStateException(name + ": record " + ordinal + " comes after " + (added - 1));
        }
        if (ordinal == added) {
            return;
        }
        settledBits.set(Math.toIntExact(added - base), Math.toIntExact(ordinal - base));
        settledCount += ordinal - added;
        boolean atWatermark = committed == added;
        added = ordinal;
        if (atWatermark) {
            advanceWatermark();
        }
    }

    @Override
    public void settle(long ordinal) {
        boolean nowSettled;
        synchronized (this) {
            int bit = Math.toIntExact(ordinal - base);
            if (ordinal < committed || settledBits.get(bit)) {
                throw new IllegalStateException(name + ": record " + ordinal + " settled twice");
            }
            settledBits.set(bit);
            settledCount++;
            if (ordinal == committed) {
                advanceWatermark();
            }
            nowSettled = becameSettled();
        }
        completeOutsideTheLock(nowSettled);
    }

    /** The reader reached the end: once every record read so far settles, the unit is settled. */
    public void readComplete() {
        boolean nowSettled;
        synchronized (this) {
            readComplete = true;
            nowSettled = becameSettled();
        }
        completeOutsideTheLock(nowSettled);
    }

    /** Reading stopped before the end (the run is stopping): once settled, the unit is checkpointed, not committed. */
    public void cutReading() {
        readCut = true;
    }

    public boolean readCut() {
        return readCut;
    }

    /**
     * The position to store if it moved since it was last stored, else null; see {@link #stored}. It goes with the
     * length of the unit's dead-letter file, and may be short of {@link #committedOrdinal()} for the two to agree.
     */
    synchronized CheckpointStore.Checkpoint checkpointIfMoved() {
        if (checkpointKey == null) {
            return null;
        }
        DeadLetterTrail.Cut cut = trail.cutAt(committed);
        if (cut.position() == storedPosition && cut.length() == storedLength) {
            return null;
        }
        return new CheckpointStore.Checkpoint(checkpointKey, fingerprint,
                CheckpointStore.Checkpoint.position(Long.toString(cut.position()), cut.length()));
    }

    /** The store holds this position now (marked only after the write succeeded, so a failed save is retried). */
    synchronized void stored(CheckpointStore.Checkpoint checkpoint) {
        long position = Long.parseLong(checkpoint.sourcePosition());
        if (position >= storedPosition) {
            storedPosition = position;
            storedLength = checkpoint.deadLetterLength();
            trail.stored(new DeadLetterTrail.Cut(position, storedLength));
        }
    }

    /** Every record before this ordinal is settled. */
    public synchronized long committedOrdinal() {
        return committed;
    }

    public synchronized long outstanding() {
        return added - settledCount;
    }

    /** Completes when every record of the unit was read and settled; completes exceptionally on a fatal stop. */
    public CompletableFuture<SourceUnit> settled() {
        return settled;
    }

    void fail(Throwable cause) {
        settled.completeExceptionally(cause);
    }

    private void advanceWatermark() {
        int next = settledBits.nextClearBit(Math.toIntExact(committed - base));
        committed = base + next;
        // keep the bit set small on long files: drop the settled prefix now and then
        if (committed - base > 65_536) {
            settledBits = settledBits.get(Math.toIntExact(committed - base), Math.max(settledBits.length(), next));
            base = committed;
        }
    }

    /** True once, when the last record read settles after the end was reached (or the end is reached with all settled). */
    private boolean becameSettled() {
        if (readComplete && settledCount == added && !completing) {
            completing = true;
            return true;
        }
        return false;
    }

    /**
     * Completing runs the waiting source's commit (SettledGate), which saves a checkpoint under the
     * checkpointer's lock; the checkpointer's timer takes that lock and then this unit's. Completing while
     * holding this unit's lock would take the two in the other order: a deadlock, seen in CrashResumeIT.
     */
    private void completeOutsideTheLock(boolean nowSettled) {
        if (nowSettled) {
            settled.complete(this);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}

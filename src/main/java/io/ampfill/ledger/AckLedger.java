package io.ampfill.ledger;

import java.util.LinkedHashMap;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The acknowledgement ledger: the open source units, each settling as Amplitude acknowledges its records.
 * A source is committed (a file moved to done) only through {@link SourceUnit#settled()}, never when its
 * records were merely handed to delivery.
 */
public final class AckLedger {
    private final Set<SourceUnit> open = ConcurrentHashMap.newKeySet();
    private final DeadLetterTrails trails;
    private volatile Consumer<SourceUnit> saveNow = unit -> { };
    private volatile Throwable fatal;

    /** A ledger whose sources' dead letters are not tracked (tests of the ledger alone). */
    public AckLedger() {
        this(DeadLetterTrails.NONE);
    }

    public AckLedger(DeadLetterTrails trails) {
        this.trails = trails;
    }

    /** How a unit's position is saved at once (the checkpointer's), for the first line of its dead letters. */
    void saveWith(Consumer<SourceUnit> saveNow) {
        this.saveNow = saveNow;
    }

    /** A unit whose position its source keeps itself (nothing goes to the checkpoint store). */
    public SourceUnit open(String name) {
        return register(new SourceUnit(name, null, "", 0, -1, -1));
    }

    /**
     * A unit whose position its source keeps itself, whose first record has ordinal {@code start} (a Kafka partition's
     * offset, when it is assigned). It stays open until {@link #close}: a source read without end never completes one.
     */
    public SourceUnit openAt(String name, long start) {
        return register(new SourceUnit(name, null, "", start, -1, -1));
    }

    /** This run is done with a unit it will not complete (a Kafka partition that moved away): it is no longer open. */
    public void close(SourceUnit unit) {
        open.remove(unit);
        synchronized (open) {
            open.notifyAll();
        }
    }

    /**
     * A page of a source that keeps its position itself (a table): its dead letters go to the source's trail (see
     * {@link #trail}) as the page's, numbered {@code page} in reading order.
     */
    public SourceUnit openPage(String name, long page) {
        return register(new SourceUnit(name, null, "", 0, -1, page));
    }

    /** The dead-letter trail of a source that keeps its position itself, as {@link DeadLetterTrails#open} says. */
    public DeadLetterTrail trail(String name, long position, long length, Runnable saveStart) {
        return trails.open(name, position, length, saveStart);
    }

    /**
     * Opens a unit that resumes at {@code resumed}'s position (null: from the start): records before it were settled by
     * an earlier run, and its dead-letter file goes back to the length saved with it. Its position is checkpointed under
     * {@code checkpointKey}.
     */
    public SourceUnit open(String name, String checkpointKey, String fingerprint, CheckpointStore.Checkpoint resumed) {
        long start = resumed == null ? 0 : Long.parseLong(resumed.sourcePosition());
        long length = resumed == null ? -1 : resumed.deadLetterLength();
        SourceUnit unit = new SourceUnit(name, checkpointKey, fingerprint, start, length, -1);
        unit.trail(trails.open(name, start, length, () -> saveNow.accept(unit)));
        return register(unit);
    }

    private SourceUnit register(SourceUnit unit) {
        Throwable stopped = fatal;
        if (stopped != null) {
            unit.fail(stopped);
            return unit;
        }
        open.add(unit);
        unit.settled().whenComplete((u, e) -> {
            open.remove(unit);
            synchronized (open) {
                open.notifyAll();
            }
        });
        return unit;
    }

    /** The positions that moved since they were last taken, for the checkpoint store. */
    public Map<SourceUnit, CheckpointStore.Checkpoint> movedCheckpoints() {
        Map<SourceUnit, CheckpointStore.Checkpoint> moved = new LinkedHashMap<>();
        for (SourceUnit unit : open) {
            CheckpointStore.Checkpoint c = unit.checkpointIfMoved();
            if (c != null) {
                moved.put(unit, c);
            }
        }
        return moved;
    }

    /** Waits until no unit is open, at most {@code timeout}; true if none is. */
    public boolean awaitNoneOpen(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (open) {
            while (!open.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(open, left);
            }
        }
        return true;
    }

    /** True once the run stopped on a fatal error: what fails after it was caused by it, and was reported with it. */
    public boolean failed() {
        return fatal != null;
    }

    /** A fatal answer stops the run: no open unit may commit, so its input stays where it was. */
    public void failAll(Throwable cause) {
        fatal = cause;
        for (SourceUnit unit : open) {
            unit.fail(cause);
        }
    }
}

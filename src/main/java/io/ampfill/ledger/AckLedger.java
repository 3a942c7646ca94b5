package io.ampfill.ledger;

import java.util.LinkedHashMap;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The acknowledgement ledger: the open source units, each settling as Amplitude acknowledges its records.
 * A source is committed (a file moved to done) only through {@link SourceUnit#settled()}, never when its
 * records were merely handed to delivery.
 */
public final class AckLedger {
    private final Set<SourceUnit> open = ConcurrentHashMap.newKeySet();
    private volatile Throwable fatal;

    /** A unit whose position its source keeps itself (nothing goes to the checkpoint store). */
    public SourceUnit open(String name) {
        return open(name, null, "", 0);
    }

    /**
     * Opens a unit that starts at {@code start}: records before it were settled by an earlier run. Its
     * position is checkpointed under {@code checkpointKey}.
     */
    public SourceUnit open(String name, String checkpointKey, String fingerprint, long start) {
        SourceUnit unit = new SourceUnit(name, checkpointKey, fingerprint, start);
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

package io.ampfill.ledger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Writes the ledger's committed positions to the checkpoint store now and then, so a killed run resumes
 * near where it stopped. Between two saves a crash only costs a resend of what settled since the last
 * one, and insert_ids make that resend harmless.
 */
public final class Checkpointer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Checkpointer.class);

    private final AckLedger ledger;
    private final CheckpointStore store;
    private final ScheduledFuture<?> timed;
    private boolean closed;
    /** Why the last save failed, or null when it worked: a store that cannot be reached makes the run not ready. */
    private volatile String saveFailure;

    /**
     * @param timer runs the saves every {@code interval}; its owner shuts it down (in the application, Camel, with the
     *              other threads it manages)
     */
    public Checkpointer(AckLedger ledger, CheckpointStore store, Duration interval, ScheduledExecutorService timer) {
        this.ledger = ledger;
        this.store = store;
        ledger.saveWith(this::save);
        long millis = Math.max(10, interval.toMillis());
        this.timed = timer.scheduleWithFixedDelay(this::saveQuietly, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Saves every position that moved; called on a timer, when a unit settles, and when the run stops. */
    public synchronized void save() {
        if (!closed) {
            save(ledger.movedCheckpoints());
        }
    }

    /** The final position of a unit that just settled, before its source is committed or left for a resume. */
    public synchronized void save(SourceUnit unit) {
        CheckpointStore.Checkpoint c = closed ? null : unit.checkpointIfMoved();
        if (c != null) {
            save(Map.of(unit, c));
        }
    }

    private void save(Map<SourceUnit, CheckpointStore.Checkpoint> moved) {
        if (!moved.isEmpty()) {
            try {
                store.save(moved.values());
            } catch (RuntimeException e) {
                saveFailure = String.valueOf(e.getMessage());
                throw e;
            }
            saveFailure = null;
            moved.forEach(SourceUnit::stored);
        }
    }

    /** Why the last save of positions failed, or null when it worked (or none was needed yet). */
    public String saveFailure() {
        return saveFailure;
    }

    private void saveQuietly() {
        try {
            save();
        } catch (RuntimeException e) {
            // the next save tries again; meanwhile a crash only means a larger resend. After a fatal stop the run's
            // last line says why, and this would repeat it
            if (!ledger.failed()) {
                LOG.warn("checkpoint not saved: {}", e.getMessage());
            }
        }
    }

    /** Saves what moved and closes the store (an embedded database is flushed to disk); later calls do nothing. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        timed.cancel(false);
        try {
            saveQuietly(); // runs as Camel stops (on SIGTERM, in the shutdown hook): the report must still be printed
        } finally {
            closed = true;
            store.close();
        }
    }
}

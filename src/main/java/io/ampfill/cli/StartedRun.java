package io.ampfill.cli;

import io.ampfill.deadletter.DeadLetterStore;
import io.ampfill.ledger.CheckpointStore;
import io.ampfill.ledger.Checkpointer;
import io.ampfill.ledger.StoreOpenedInBackground;
import io.ampfill.report.RunReport;
import io.ampfill.setting.BadSettingException;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What the launcher needs of a run while Camel starts, runs and stops it: the report, the run's control, where the
 * events went, and what to close once Camel has stopped. The configuration classes fill it in as they make the beans.
 */
final class StartedRun {
    private volatile RunReport report;
    private volatile String reportFile = "";
    private final Runnable completed;
    private volatile RunControl runControl;
    private volatile AmplitudeTarget target;
    /** Volatile: a second Ctrl-C saves the positions from the thread that handles the signal. */
    private volatile Checkpointer checkpointer;
    private volatile Duration shutdownTimeout;
    private volatile DeadLetterStore deadLetters;
    private volatile StoreOpenedInBackground openingStore;
    /** Closed last first, once Camel has stopped: the source's lock and the emulator outlive the beans made after them. */
    private final Deque<AutoCloseable> closeAfterStop = new ArrayDeque<>();

    /** @param completed ends a run-once (Camel Main's completed()) */
    StartedRun(Runnable completed) {
        this.completed = completed;
    }

    /** The run's report; null until the settings are read (it counts the run's time from then). */
    RunReport report() {
        return report;
    }

    void report(RunReport report) {
        this.report = report;
    }

    /** backfill.report-file: where the report is also written as JSON; "" for nowhere. */
    String reportFile() {
        return reportFile;
    }

    void reportFile(String file) {
        this.reportFile = file;
    }

    Runnable completed() {
        return completed;
    }

    RunControl runControl() {
        return runControl;
    }

    void runControl(RunControl control) {
        this.runControl = control;
    }

    /** Where the events go; null until the settings are read. */
    AmplitudeTarget target() {
        return target;
    }

    void target(AmplitudeTarget target) {
        this.target = target;
    }

    void checkpointer(Checkpointer checkpointer) {
        this.checkpointer = checkpointer;
    }

    void deadLetters(DeadLetterStore store) {
        this.deadLetters = store;
    }

    void openingStore(StoreOpenedInBackground store) {
        this.openingStore = store;
    }

    /** How long a stop asked by Ctrl-C or SIGTERM delivers what was read; null until the settings are read. */
    Duration shutdownTimeout() {
        return shutdownTimeout;
    }

    void shutdownTimeout(Duration timeout) {
        this.shutdownTimeout = timeout;
    }

    /** Closed once Camel has stopped and the positions and dead letters are saved, after what was registered later. */
    synchronized void closeAfterStop(AutoCloseable closeable) {
        closeAfterStop.push(closeable);
    }

    /**
     * Waits until the state store is open; called once the routes are configured, before any of them starts, so a
     * store that cannot be opened stops the start as a bad setting would.
     */
    void awaitStateStore() {
        StoreOpenedInBackground store = openingStore;
        if (store != null) {
            try {
                store.awaitOpen();
            } catch (CheckpointStore.StoreException cannotOpen) {
                throw new BadSettingException(Setting.STATE_URL.name(), cannotOpen.getMessage());
            }
        }
    }

    /**
     * Saves the positions reached so far (each file's settled prefix, its dead letters on disk first) and closes the
     * store, for a stop that does not wait for delivery; what is still in flight is read and sent again next run.
     */
    void savePositionsNow() {
        Checkpointer current = checkpointer;
        if (current != null) {
            current.close();
        }
    }

    /**
     * Closes what outlives Camel (the positions and dead letters first, then the source's lock and the emulator);
     * called once Camel, and delivery with it, has stopped.
     */
    synchronized void close() {
        savePositionsNow();
        DeadLetterStore store = deadLetters;
        if (store != null) {
            store.close();
        }
        while (!closeAfterStop.isEmpty()) {
            try {
                closeAfterStop.pop().close();
            } catch (Exception notClosed) {
                throw new IllegalStateException(notClosed.getMessage(), notClosed);
            }
        }
    }
}

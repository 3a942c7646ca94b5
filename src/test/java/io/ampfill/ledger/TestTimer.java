package io.ampfill.ledger;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** A timer for the checkpointers tests make, on one daemon thread the tests share (Camel's, in the application). */
public final class TestTimer {
    public static final ScheduledExecutorService SHARED = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "test-checkpoints");
        thread.setDaemon(true);
        return thread;
    });

    private TestTimer() {
    }
}

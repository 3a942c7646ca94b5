package io.ampfill.ledger;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * A state store opened on its own thread while Camel starts on the main one. Opening the embedded H2 store takes
 * 110-140 ms of a start-up that is otherwise one thread's work (measured with bench/run.sh start), so on a machine
 * with a second core it costs no time. Every call waits until the store is open; {@link #awaitOpen()} is called
 * before the routes start, so a store that cannot be opened still stops the start, with its own message.
 */
public final class StoreOpenedInBackground implements CheckpointStore {
    private final CompletableFuture<CheckpointStore> opened = new CompletableFuture<>();

    private StoreOpenedInBackground() {
    }

    /**
     * Starts opening on {@code thread} (in the application, one of Camel's); {@code opener} may also prepare the store
     * (forget stale positions, say).
     */
    public static StoreOpenedInBackground open(Supplier<CheckpointStore> opener, Executor thread) {
        StoreOpenedInBackground store = new StoreOpenedInBackground();
        thread.execute(() -> {
            try {
                store.opened.complete(opener.get());
            } catch (Throwable failed) {
                store.opened.completeExceptionally(failed);
            }
        });
        return store;
    }

    /** The open store, once it is; throws what opening it threw. */
    public CheckpointStore awaitOpen() {
        try {
            return opened.join();
        } catch (CompletionException failed) {
            if (failed.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw failed;
        }
    }

    @Override
    public Optional<Checkpoint> load(String source) {
        return awaitOpen().load(source);
    }

    @Override
    public Map<String, Checkpoint> loadAll(String prefix) {
        return awaitOpen().loadAll(prefix);
    }

    @Override
    public void save(Collection<Checkpoint> checkpoints) {
        awaitOpen().save(checkpoints);
    }

    @Override
    public void retainOnly(String prefix, Collection<String> sources) {
        awaitOpen().retainOnly(prefix, sources);
    }

    /** Closes the store once it is open; one that could not be opened has nothing to close. */
    @Override
    public void close() {
        CheckpointStore store;
        try {
            store = opened.join();
        } catch (CompletionException failed) {
            return;
        }
        store.close();
    }
}

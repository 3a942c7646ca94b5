package io.ampfill.cli;

import io.ampfill.deadletter.DeadLetterStore;
import io.ampfill.ledger.AckLedger;
import io.ampfill.ledger.CheckpointStore;
import io.ampfill.ledger.Checkpointer;
import io.ampfill.ledger.JdbcCheckpointStore;
import io.ampfill.ledger.StoreOpenedInBackground;
import io.ampfill.source.FileSource;
import io.ampfill.source.InboxScan;
import org.apache.camel.BindToRegistry;
import org.apache.camel.spi.ExecutorServiceManager;

import java.util.List;
import java.util.concurrent.ExecutorService;

/**
 * Where the sources' positions are kept (the state store, opened on a thread of Camel's while Camel loads the routes)
 * and the checkpointer that saves them, on a timer of Camel's.
 */
public final class PositionsConfiguration extends ContextAwareConfiguration {
    private final StartedRun run;

    PositionsConfiguration(StartedRun run) {
        this.run = run;
    }

    /** The inbox scan comes first: its lock is taken, and its files named, before the store forgets stale positions. */
    @BindToRegistry(lazy = true)
    public CheckpointStore checkpointStore(Settings settings, AmplitudeTarget target, InboxScan inbox,
                                           DeadLetterStore deadLetters) {
        // a dry run records no position: a later real run would skip what was never sent
        CheckpointStore store = target.dryRun() ? CheckpointStore.NONE : open(settings, inbox);
        return store.runningBeforeEverySave(deadLetters::flush);
    }

    private CheckpointStore open(Settings settings, InboxScan inbox) {
        String url = settings.get(Setting.STATE_URL);
        String user = settings.get(Setting.STATE_USER);
        String password = settings.get(Setting.STATE_PASSWORD);
        // files gone from the inbox were completed: their checkpoints are stale
        List<String> inboxKeys = InboxConfiguration.fileSource(settings)
                ? inbox.seen().stream().map(FileSource::checkpointKey).toList() : null;
        ExecutorServiceManager threads = getCamelContext().getExecutorServiceManager();
        ExecutorService opener = threads.newSingleThreadExecutor(this, "StateStoreOpen");
        StoreOpenedInBackground store = StoreOpenedInBackground.open(() -> {
            CheckpointStore opened = JdbcCheckpointStore.open(url, user, password);
            if (inboxKeys != null) {
                opened.retainOnly(FileSource.checkpointKey(""), inboxKeys);
            }
            return opened;
        }, opener);
        threads.shutdown(opener); // its one task still runs; then its thread ends
        run.openingStore(store);
        return store;
    }

    @BindToRegistry(lazy = true)
    public Checkpointer checkpointer(Settings settings, AckLedger ledger, CheckpointStore store) {
        Checkpointer checkpointer = new Checkpointer(ledger, store, settings.get(Setting.CHECKPOINT_INTERVAL),
                getCamelContext().getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "Checkpoints"));
        run.checkpointer(checkpointer);
        return checkpointer;
    }
}

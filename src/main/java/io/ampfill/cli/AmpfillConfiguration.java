package io.ampfill.cli;

import io.ampfill.camel.AmplitudeComponent;
import io.ampfill.camel.AmplitudeEndpoint;
import io.ampfill.delivery.EventOrigin;
import io.ampfill.source.kafka.KafkaSource;
import io.ampfill.camel.SettledGate;
import io.ampfill.deadletter.DeadLetterStore;
import io.ampfill.delivery.DeviceLanes;
import io.ampfill.emulator.AmplitudeEmulator;
import io.ampfill.emulator.EmulatorSettings;
import io.ampfill.event.EventIntake;
import io.ampfill.event.MappingSettings;
import io.ampfill.event.RecordMapper;
import io.ampfill.ledger.AckLedger;
import io.ampfill.ledger.CheckpointStore;
import io.ampfill.ledger.Checkpointer;
import io.ampfill.ledger.JdbcCheckpointStore;
import io.ampfill.ledger.StoreOpenedInBackground;
import io.ampfill.report.RunReport;
import io.ampfill.secret.SecretText;
import io.ampfill.source.DoneFolder;
import io.ampfill.source.FileSource;
import io.ampfill.source.FilesNotRead;
import io.ampfill.source.InboxLock;
import io.ampfill.source.InboxScan;
import io.ampfill.source.RecordReaders;
import io.ampfill.source.SourceLockException;
import io.ampfill.source.InboxFileStrategy;
import io.ampfill.source.InboxReadLock;
import io.ampfill.source.jdbc.JdbcSettingException;
import io.ampfill.source.jdbc.JdbcSource;
import io.ampfill.source.jdbc.JdbcSourceSettings;
import io.ampfill.source.jdbc.UsersSettings;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.file.GenericFileFilter;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.support.SimpleEventNotifierSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Builds the beans the routes use from application.properties and binds them in Camel's registry, and the
 * {@code amplitude} component the routes send to. With no API key it also starts the built-in emulator and points the
 * component at it (dry run).
 */
public final class AmpfillConfiguration implements CamelConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(AmpfillConfiguration.class);
    /** Sent to the emulator in a dry run; never a real key. */
    static final String DRY_RUN_KEY = "dry-run-no-key";

    private final Runnable completed;
    private final org.apache.camel.main.MainConfigurationProperties mainConfiguration;
    private AmplitudeEmulator emulator;
    private DeadLetterStore deadLetters;
    private RunReport report;
    private RunControl runControl;
    private boolean dryRun;
    private String endpoint;

    /** Volatile: a second Ctrl-C saves the positions from the thread that handles the signal. */
    private volatile Checkpointer checkpointer;
    private volatile Duration shutdownTimeout;
    private StoreOpenedInBackground openingStore;
    private JdbcSource jdbcSource;
    private InboxLock inboxLock;

    private final Consumer<AmpfillConfiguration> stopped;

    /**
     * @param completed ends a run-once (Camel Main's completed())
     * @param stopped   runs once Camel has stopped, inside the shutdown hook on SIGTERM: the last words of the run
     */
    AmpfillConfiguration(Runnable completed, org.apache.camel.main.MainConfigurationProperties mainConfiguration,
                         Consumer<AmpfillConfiguration> stopped) {
        this.completed = completed;
        this.mainConfiguration = mainConfiguration;
        this.stopped = stopped;
    }

    @Override
    public void configure(CamelContext context) {
        PropertiesComponent properties = context.getPropertiesComponent();
        Settings settings = new Settings(properties);
        // before anything starts, deletes or opens: a bad setting stops the run with one line
        SettingRules.check(settings);
        FolderSettings.check(settings);
        context.getExecutorServiceManager().setThreadPoolFactory(new OutOfMemoryExit.ThreadPools());

        String source = settings.string("backfill.source");
        // only the chosen source's route is loaded: the other one's beans do not exist
        mainConfiguration.setRoutesIncludePattern(AmpfillApp.routesIncludePattern(Path.of("routes"), source));
        String apiKey = settings.optional("amplitude.api-key");
        dryRun = apiKey.isEmpty();
        String inbox = settings.string("backfill.inbox");
        if (source.equals("file") && !dryRun) {
            // before anything reads the inbox, its positions or the spill folder; a dry run moves and records nothing
            inboxLock = InboxLock.take(Path.of(inbox), inbox);
        }
        endpoint = settings.string("amplitude.endpoint");
        if (dryRun) {
            emulator = AmplitudeEmulator.start(new EmulatorSettings().keepEvents(false));
            endpoint = emulator.batchUrl();
            apiKey = DRY_RUN_KEY;
        }
        // values the routes use, computed from the settings
        properties.addOverrideProperty("backfill.dry-run", String.valueOf(dryRun));
        Duration pollDelay = settings.duration("backfill.poll-delay"); // read before it is overridden in milliseconds
        properties.addOverrideProperty("backfill.poll-delay", String.valueOf(pollDelay.toMillis()));

        Path spillDir = Path.of(settings.string("backfill.spill-dir")).toAbsolutePath();
        MappingSettings mapping = new MappingSettings()
                .minIdLength(settings.integer("amplitude.min-id-length"))
                .skipUserPropertiesSync(settings.bool("amplitude.skip-user-properties-sync"))
                .maxTimeAhead(settings.duration("backfill.max-time-ahead"))
                .clock(java.time.Clock.systemUTC());

        report = new RunReport();
        FilesNotRead notRead = new FilesNotRead(inbox, report);
        InboxScan inboxScan = new InboxScan(Path.of(inbox), inbox, notRead);
        deadLetters = new DeadLetterStore(Path.of(settings.string("backfill.dead-letter-dir")));
        deadLetters.onWithdrawn(report::deadLetterWithdrawn);
        // a dry run saves no position, so its dead letters are not kept in step with positions
        AckLedger ledger = new AckLedger(dryRun ? deadLetters.untracked() : deadLetters);
        runControl = new RunControl(settings.bool("backfill.run-once"), pollDelay, ledger, deadLetters, report);
        runControl.onFinish(completed);
        deadLetters.onFailure(runControl::fatal);
        Set<String> inboxFiles = source.equals("file") ? scan(inboxScan) : null;
        // a dry run records no position: a later real run would skip what was never sent
        CheckpointStore store = (dryRun ? CheckpointStore.NONE : openStore(settings, inboxFiles))
                .runningBeforeEverySave(deadLetters::flush);
        checkpointer = new Checkpointer(ledger, store, settings.duration("backfill.checkpoint-interval"));
        if (inboxFiles != null) {
            knownInput(Path.of(inbox), inboxFiles);
        }
        Watching watching = new Watching(context, report);
        String statePassword = settings.optional("backfill.state.password");
        watching.serveManagement(settings, runControl::fatalMessage, () -> {
            String failure = checkpointer.saveFailure();
            return failure == null ? null : SecretText.mask(failure, statePassword);
        });
        if (source.equals("jdbc")) {
            jdbcSource = openJdbcSource(properties, ledger, store);
        }
        // only now that the source is this run's: another run's spilled events are not ours to delete
        deleteSpillLeftovers(spillDir);

        shutdownTimeout = settings.duration("backfill.shutdown-timeout");
        int shutdownSeconds = (int) Math.min(Integer.MAX_VALUE, (shutdownTimeout.toMillis() + 999) / 1000); // as Camel counts
        context.getShutdownStrategy().setTimeout(shutdownSeconds);
        mainConfiguration.setShutdownTimeout(shutdownSeconds);
        context.getManagementStrategy().addEventNotifier(new SimpleEventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                if (event instanceof CamelEvent.CamelContextStartedEvent) {
                    watching.startProgress(settings);
                } else if (event instanceof CamelEvent.CamelContextStoppingEvent) {
                    runControl.stopping();
                } else if (event instanceof CamelEvent.CamelContextStoppedEvent) {
                    watching.stopProgress();
                    // inside the shutdown hook on SIGTERM: the JVM may halt as soon as this returns (the amplitude
                    // endpoint has stopped delivery already, as Camel stopped it)
                    checkpointer.close();
                    deadLetters.close();
                    stopped.accept(AmpfillConfiguration.this);
                }
            }
        });
        // the component the routes send to, its options from the amplitude.* settings (a dry run's key and endpoint
        // replaced); what delivery tells goes to the run's control: dead letters, counts for the report, a fatal stop
        AmplitudeComponent amplitude = AmplitudeOptions.component(context, settings, Map.of(
                "amplitude.api-key", apiKey, "amplitude.endpoint", endpoint, "backfill.spill-dir", spillDir.toString()));
        amplitude.getConfiguration().setDeliveryListener(runControl);
        context.addComponent("amplitude", amplitude);

        context.getRegistry().bind("runControl", runControl);
        InboxReadLock readLock = new InboxReadLock(settings.duration("backfill.file-min-age"), System::currentTimeMillis, notRead);
        context.getRegistry().bind("inboxReadLock", readLock);
        context.getRegistry().bind("inboxOrder", InboxReadLock.NAME_ORDER);
        context.getRegistry().bind("inputFiles", (GenericFileFilter<File>) file -> RecordReaders.supports(file.getFileNameOnly()));
        context.getRegistry().bind("inboxScan", inboxScan);
        context.getRegistry().bind("inboxFiles", new InboxFileStrategy(readLock,
                new DoneFolder(Path.of(settings.string("backfill.done-dir")).toAbsolutePath())));
        context.getRegistry().bind("fileSource", new FileSource(ledger, store, settings.integer("backfill.chunk-size"),
                runControl::isStopping, notRead, report));
        context.getRegistry().bind("eventIntake", new EventIntake(new RecordMapper(mapping), deadLetters, report));
        if (jdbcSource != null) {
            context.getRegistry().bind("jdbcSource", jdbcSource);
        }
        context.getRegistry().bind("settledGate", new SettledGate(checkpointer, report, deadLetters::flush));
        if (source.equals("kafka")) {
            KafkaSource kafka = new KafkaSource(new KafkaSource.Settings(settings.string("backfill.kafka.topic"),
                    settings.duration("backfill.checkpoint-interval"), settings.duration("backfill.kafka.revoke-timeout"),
                    shutdownTimeout, !dryRun), ledger, new AmplitudeLanes(context), deadLetters::flush,
                    runControl::isStopping, runControl::sourceCaughtUp);
            report.sourceLines(kafka::reportLines);
            context.getRegistry().bind("kafkaSource", kafka);
        }

        if (dryRun) {
            LOG.info("dry run: no amplitude.api-key set, so events go to the built-in emulator at {};"
                    + " nothing leaves this machine and no input file is moved", endpoint);
        } else {
            LOG.info("sending to {}", endpoint);
        }
    }

    /** The lanes of the amplitude endpoints the routes send to, for a source that gives its records away. */
    private record AmplitudeLanes(CamelContext context) implements KafkaSource.Lanes {
        @Override
        public long withdraw(EventOrigin origin) {
            return overEndpoints(amplitude -> amplitude.withdraw(origin));
        }

        @Override
        public long droppedOf(EventOrigin origin) {
            return overEndpoints(amplitude -> amplitude.droppedOf(origin));
        }

        private long overEndpoints(java.util.function.ToLongFunction<AmplitudeEndpoint> each) {
            long sum = 0;
            for (var endpoint : context.getEndpoints()) {
                if (endpoint instanceof AmplitudeEndpoint amplitude) {
                    sum += each.applyAsLong(amplitude);
                }
            }
            return sum;
        }
    }

    /** Empties the folder where a device's events beyond its share of the window wait, of an earlier run's leftovers. */
    private static void deleteSpillLeftovers(Path dir) {
        try {
            DeviceLanes.deleteSpillLeftovers(dir);
        } catch (java.io.IOException e) {
            throw new Settings.BadSettingException("backfill.spill-dir", "cannot empty " + dir + ": " + e.getMessage());
        }
    }

    /** The sizes of the input files in the inbox at the start: what progress knows of the total. */
    private void knownInput(Path inbox, Set<String> names) {
        for (String name : names) {
            Path file = inbox.resolve(name);
            if (RecordReaders.supports(name) && java.nio.file.Files.isRegularFile(file)) {
                try {
                    report.inputFile(name, java.nio.file.Files.size(file));
                } catch (java.io.IOException | RuntimeException gone) {
                    // gone or unreadable: the run names it when it comes to it
                }
            }
        }
    }

    /** Says what in the inbox is ignored or cannot be read; returns the names in it. */
    private static Set<String> scan(InboxScan inbox) {
        try {
            return inbox.atStart();
        } catch (java.io.UncheckedIOException e) {
            throw new Settings.BadSettingException("backfill.inbox", e.getMessage());
        }
    }

    /** The state store, opened while Camel loads the routes (see {@link #awaitStateStore()}). */
    private CheckpointStore openStore(Settings settings, Set<String> inboxFiles) {
        String url = settings.string("backfill.state.url");
        String user = settings.optional("backfill.state.user");
        String password = settings.optional("backfill.state.password");
        // files gone from the inbox were completed: their checkpoints are stale
        List<String> inboxKeys = inboxFiles == null ? null : inboxFiles.stream().map(FileSource::checkpointKey).toList();
        StoreOpenedInBackground store = StoreOpenedInBackground.open(() -> {
            CheckpointStore opened = JdbcCheckpointStore.open(url, user, password);
            if (inboxKeys != null) {
                opened.retainOnly(FileSource.checkpointKey(""), inboxKeys);
            }
            return opened;
        });
        openingStore = store;
        return store;
    }

    /**
     * Waits until the state store is open; called once the routes are configured, before any of them starts, so a
     * store that cannot be opened stops the start as a bad setting would.
     */
    void awaitStateStore() {
        if (openingStore != null) {
            try {
                openingStore.awaitOpen();
            } catch (CheckpointStore.StoreException cannotOpen) {
                throw new Settings.BadSettingException("backfill.state.url", cannotOpen.getMessage());
            }
        }
    }

    private JdbcSource openJdbcSource(PropertiesComponent properties, AckLedger ledger, CheckpointStore store) {
        try {
            return new JdbcSource(JdbcSourceSettings.from(properties::resolveProperty),
                    UsersSettings.from(properties::resolveProperty), ledger, store, runControl::isStopping, !dryRun);
        } catch (SourceLockException inUse) {
            throw inUse;
        } catch (JdbcSettingException bad) {
            // its message is already "<setting>: <problem>"
            throw new Settings.BadSettingException(bad.setting(), bad.getMessage().substring(bad.setting().length() + 2));
        } catch (Exception failed) {
            // a driver may echo the URL or the password; neither reaches output
            throw new Settings.BadSettingException("backfill.jdbc.url", "cannot read from the database: " + SecretText.mask(
                    String.valueOf(failed.getMessage()), properties.resolveProperty("backfill.jdbc.password").orElse(null)));
        }
    }

    String endpoint() {
        return endpoint;
    }

    boolean dryRun() {
        return dryRun;
    }

    RunReport report() {
        return report;
    }

    RunControl runControl() {
        return runControl;
    }

    /** How long a stop asked by Ctrl-C or SIGTERM delivers what was read; null until the settings are read. */
    Duration shutdownTimeout() {
        return shutdownTimeout;
    }

    /**
     * Saves the positions reached so far (each file's settled prefix, its dead letters on disk first) and closes the
     * store, for a stop that does not wait for delivery; what is still in flight is read and sent again next run.
     */
    void savePositionsNow() {
        if (checkpointer != null) {
            checkpointer.close();
        }
    }

    /** Stops the emulator and makes the dead letters durable; called once Camel (and delivery with it) has stopped. */
    void close() {
        if (checkpointer != null) {
            checkpointer.close();
        }
        if (deadLetters != null) {
            deadLetters.close();
        }
        if (jdbcSource != null) {
            jdbcSource.close();
        }
        if (inboxLock != null) {
            inboxLock.close();
        }
        if (emulator != null) {
            emulator.close();
        }
    }
}

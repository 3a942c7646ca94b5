package io.ampfill.cli;

import io.ampfill.camel.FileRouteSource;
import io.ampfill.camel.InboxFileStrategy;
import io.ampfill.camel.InboxReadLock;
import io.ampfill.camel.SettledGate;
import io.ampfill.deadletter.DeadLetterStore;
import io.ampfill.ledger.AckLedger;
import io.ampfill.ledger.CheckpointStore;
import io.ampfill.ledger.Checkpointer;
import io.ampfill.report.RunReport;
import io.ampfill.setting.BadSettingException;
import io.ampfill.source.DoneFolder;
import io.ampfill.source.FileSource;
import io.ampfill.source.FilesNotRead;
import io.ampfill.source.InboxLock;
import io.ampfill.source.InboxScan;
import io.ampfill.source.RecordReaders;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileFilter;

import java.io.File;
import java.nio.file.Path;
import java.util.Comparator;

/** The drop folder's beans, which file-source.camel.yaml uses: which files, in what order, when, and where they go. */
public final class InboxConfiguration implements CamelConfiguration {
    private final StartedRun run;

    InboxConfiguration(StartedRun run) {
        this.run = run;
    }

    @BindToRegistry(lazy = true)
    public FilesNotRead filesNotRead(Settings settings, RunReport report) {
        return new FilesNotRead(settings.get(Setting.INBOX), report);
    }

    /**
     * The inbox, this run's: its lock is taken before anything reads it, its positions or the spill folder (a dry run
     * moves and records nothing, and takes no lock); then what in it cannot be read is told.
     */
    @BindToRegistry(lazy = true)
    public InboxScan inboxScan(Settings settings, FilesNotRead notRead, AmplitudeTarget target) {
        String inbox = settings.get(Setting.INBOX);
        InboxScan scan = new InboxScan(Path.of(inbox), inbox, notRead);
        if (fileSource(settings)) {
            if (!target.dryRun()) {
                run.closeAfterStop(InboxLock.take(Path.of(inbox), inbox));
            }
            try {
                scan.atStart();
            } catch (java.io.UncheckedIOException e) {
                throw new BadSettingException(Setting.INBOX.name(), e.getMessage());
            }
        }
        return scan;
    }

    @BindToRegistry(lazy = true)
    public InboxReadLock inboxReadLock(Settings settings, FilesNotRead notRead) {
        return new InboxReadLock(settings.get(Setting.FILE_MIN_AGE), System::currentTimeMillis, notRead);
    }

    @BindToRegistry(lazy = true)
    public Comparator<GenericFile<File>> inboxOrder() {
        return InboxReadLock.NAME_ORDER;
    }

    @BindToRegistry(lazy = true)
    public GenericFileFilter<File> inputFiles() {
        return file -> RecordReaders.supports(file.getFileNameOnly());
    }

    @BindToRegistry(lazy = true)
    public InboxFileStrategy inboxFiles(Settings settings, InboxReadLock readLock) {
        return new InboxFileStrategy(readLock, new DoneFolder(Path.of(settings.get(Setting.DONE_DIR)).toAbsolutePath()));
    }

    @BindToRegistry(lazy = true)
    public FileRouteSource fileSource(Settings settings, AckLedger ledger, CheckpointStore store, RunControl control,
                                      FilesNotRead notRead, RunReport report) {
        return new FileRouteSource(new FileSource(ledger, store, settings.get(Setting.CHUNK_SIZE), control::isStopping,
                notRead, report));
    }

    /** Completes a file's exchange once every record of it is settled, so that it moves to the done folder only then. */
    @BindToRegistry(lazy = true)
    public SettledGate settledGate(Checkpointer checkpointer, RunReport report, DeadLetterStore deadLetters) {
        return new SettledGate(checkpointer, report, deadLetters::flush);
    }

    static boolean fileSource(Settings settings) {
        return settings.get(Setting.SOURCE).equals("file");
    }
}

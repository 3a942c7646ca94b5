package io.ampfill.cli;

import io.ampfill.ledger.Checkpointer;
import io.ampfill.report.RunReport;
import io.ampfill.secret.SecretText;
import io.ampfill.source.InboxScan;
import io.ampfill.source.RecordReaders;
import org.apache.camel.BindToRegistry;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.SimpleEventNotifierSupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * What lets a user watch the run: progress from when Camel has started until it has stopped (ended before the report
 * is printed: this class comes before {@link RunLifecycleConfiguration}), and health and metrics on the management
 * port, if there is one.
 */
public final class WatchingConfiguration extends ContextAwareConfiguration {
    @BindToRegistry
    public Watching watching(Settings settings, RunReport report, RunControl control, Checkpointer checkpointer,
                             InboxScan inbox) {
        if (InboxConfiguration.fileSource(settings)) {
            knownInput(Path.of(settings.get(Setting.INBOX)), inbox.seen(), report);
        }
        Watching watching = new Watching(getCamelContext(), report);
        String statePassword = settings.get(Setting.STATE_PASSWORD);
        watching.serveManagement(settings, control::fatalMessage, () -> {
            String failure = checkpointer.saveFailure();
            return failure == null ? null : SecretText.mask(failure, statePassword);
        });
        getCamelContext().getManagementStrategy().addEventNotifier(new SimpleEventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                if (event instanceof CamelEvent.CamelContextStartedEvent) {
                    watching.startProgress(settings);
                } else if (event instanceof CamelEvent.CamelContextStoppedEvent) {
                    watching.stopProgress();
                }
            }
        });
        return watching;
    }

    /** The sizes of the input files in the inbox at the start: what progress knows of the total. */
    private static void knownInput(Path inbox, Set<String> names, RunReport report) {
        for (String name : names) {
            if (!RecordReaders.supports(name)) {
                continue;
            }
            try {
                Path file = inbox.resolve(name);
                if (Files.isRegularFile(file)) {
                    report.inputFile(name, Files.size(file));
                }
            } catch (IOException | RuntimeException gone) {
                // gone or unreadable: the run names it when it comes to it
            }
        }
    }
}

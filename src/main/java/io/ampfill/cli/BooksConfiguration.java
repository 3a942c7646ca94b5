package io.ampfill.cli;

import io.ampfill.deadletter.DeadLetterStore;
import io.ampfill.ledger.AckLedger;
import io.ampfill.report.RunReport;
import org.apache.camel.BindToRegistry;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * The run's books: its report, the dead-letter store, the ledger of what is settled, and the run's control, which
 * takes what delivery tells and ends a run-once.
 */
public final class BooksConfiguration extends ContextAwareConfiguration {
    private final StartedRun run;

    BooksConfiguration(StartedRun run) {
        this.run = run;
    }

    @BindToRegistry(lazy = true)
    public RunReport runReport(Settings settings) {
        RunReport report = new RunReport();
        run.report(report);
        run.reportFile(settings.get(Setting.REPORT_FILE));
        return report;
    }

    @BindToRegistry(lazy = true)
    public DeadLetterStore deadLetters(Settings settings, RunReport report) {
        DeadLetterStore deadLetters = new DeadLetterStore(Path.of(settings.get(Setting.DEAD_LETTER_DIR)));
        deadLetters.onWithdrawn(report::deadLetterWithdrawn);
        run.deadLetters(deadLetters);
        return deadLetters;
    }

    @BindToRegistry(lazy = true)
    public AckLedger ackLedger(DeadLetterStore deadLetters, AmplitudeTarget target) {
        // a dry run saves no position, so its dead letters are not kept in step with positions
        return new AckLedger(target.dryRun() ? deadLetters.untracked() : deadLetters);
    }

    @BindToRegistry(lazy = true)
    public RunControl runControl(Settings settings, AckLedger ledger, DeadLetterStore deadLetters, RunReport report) {
        RunControl control = new RunControl(settings.get(Setting.RUN_ONCE), settings.get(Setting.POLL_DELAY),
                ledger, deadLetters, report);
        control.onFinish(run.completed());
        if (!settings.get(Setting.RUN_ONCE) && Watching.managementPort(settings) >= 0) {
            control.holdOnFatal(this::stopRoutesInBackground);
        }
        deadLetters.onFailure(control::fatal);
        run.runControl(control);
        return control;
    }

    /**
     * Stops every route on a thread of Camel's, not on the delivery thread that met the fatal answer: stopping waits
     * for the routes' exchanges in flight, which that thread may be finishing. The management server is not a route
     * and keeps serving; progress ends.
     */
    private void stopRoutesInBackground() {
        Thread stopper = getCamelContext().getExecutorServiceManager().newThread("AmpfillHold", () -> {
            try {
                getCamelContext().getRouteController().stopAllRoutes();
                // progress would go on with an ETA for a delivery that has stopped: the readiness check says why
                Watching watching = getCamelContext().getRegistry().findSingleByType(Watching.class);
                if (watching != null) {
                    watching.stopProgress();
                }
            } catch (Exception e) {
                LoggerFactory.getLogger(BooksConfiguration.class).warn("could not stop the routes: {}", e.toString());
            }
        });
        stopper.start();
    }
}

package io.ampfill.cli;

import io.ampfill.report.RunReport;
import io.ampfill.report.RunReportJson;
import io.ampfill.setting.BadSettingException;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.PropertiesComponent;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One run of ampfill: Camel Main with the routes of routes/ and the settings of application.properties,
 * until the inbox is drained (run-once) or the process is stopped. Returns the exit code.
 */
public final class AmpfillApp {
    /** The route files packed in the jar; a file of the same name in ./routes replaces one, others are added. */
    static final List<String> PACKED_ROUTES = List.of("source-errors.camel.yaml", "file-source.camel.yaml",
            "jdbc-source.camel.yaml", "kafka-source.camel.yaml", "amplitude-sink.camel.yaml", "kafka-sink.camel.yaml");

    /** application.properties in the working folder, else the packed one; the environment and -D override both. */
    static final String SETTINGS_LOCATION = "file:application.properties;optional=true,classpath:ampfill/application.properties;optional=true";

    public static final int OK = 0;
    public static final int FATAL = 1;
    public static final int BAD_SETTINGS = 2;

    private final PrintStream out;
    private final PrintStream err;
    private RunReport lastReport;
    private volatile Main running;
    private volatile StartedRun started;
    /** The report is printed once: by the run's end, or by a second Ctrl-C that does not wait for it. */
    private final AtomicBoolean outcomePrinted = new AtomicBoolean();
    /** backfill.report-file was set and could not be written: the run ends with exit code 1. */
    private volatile boolean reportNotWritten;

    public AmpfillApp(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** Runs with these settings on top of application.properties (the command line and tests use it). */
    public int run(Map<String, String> overrides) {
        Main main = new Main();
        running = main;
        main.setDefaultPropertyPlaceholderLocation(SETTINGS_LOCATION);
        overrides.forEach(main::addOverrideProperty);
        StartedRun run = new StartedRun(main::completed);
        this.started = run;
        MainConfigurationProperties configure = main.configure();
        // in this order: Camel makes the beans of each class (those it can make at once) before the next class's
        configure.addConfiguration(new SettingsConfiguration(configure));
        configure.addConfiguration(new TargetConfiguration(run));
        configure.addConfiguration(new BooksConfiguration(run));
        configure.addConfiguration(new InboxConfiguration(run));
        configure.addConfiguration(new PositionsConfiguration(run));
        configure.addConfiguration(new MappingConfiguration());
        configure.addConfiguration(new DatabaseConfiguration(run));
        configure.addConfiguration(new KafkaConfiguration());
        configure.addConfiguration(new DeliveryConfiguration());
        configure.addConfiguration(new WatchingConfiguration());
        configure.addConfiguration(new RunLifecycleConfiguration(run, configure, () -> printOutcome(run)));
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void beforeConfigure(BaseMainSupport configuring) {
                // the management port's Camel settings, before Camel Main reads its own
                PropertiesComponent properties = configuring.getCamelContext().getPropertiesComponent();
                Watching.camelManagement(new Settings(properties)).forEach(properties::addOverrideProperty);
            }

            @Override
            public void afterConfigure(BaseMainSupport configured) {
                run.awaitStateStore();
                KafkaTopicCheck.ifPublishing(configured.getCamelContext());
            }
        });
        try {
            main.run();
        } catch (Exception failed) {
            StartFailure failure = StartFailure.of(failed);
            err.println("ampfill: " + failure.line());
            return failure.exitCode();
        } finally {
            run.close();
        }
        if (run.report() == null || run.target() == null || run.runControl() == null) {
            err.println("ampfill: could not start (see the messages above)");
            return FATAL;
        }
        lastReport = run.report();
        // a file that could not be read leaves the inbox undone, as a fatal answer does
        return run.runControl().fatalMessage() != null || lastReport.filesNotRead() > 0 || reportNotWritten ? FATAL : OK;
    }

    /** The report, and the one line that says why a run stopped; printed once Camel has stopped. */
    private void printOutcome(StartedRun run) {
        if (!outcomePrinted.compareAndSet(false, true)) {
            return;
        }
        RunReport report = run.report();
        report.finish();
        String mode = run.target().dryRun() ? "dry run against the built-in emulator"
                : (report.isPublishing() ? "published to " : "sent to ") + run.target().endpoint();
        out.print(report.render(mode));
        out.flush();
        String fatal = run.runControl().fatalMessage();
        if (!run.reportFile().isEmpty()) {
            try {
                RunReportJson.write(Path.of(run.reportFile()), RunReportJson.of(report, run.target().dryRun(), mode, fatal));
            } catch (IOException | RuntimeException notWritten) {
                reportNotWritten = true;
                err.println("ampfill: backfill.report-file: cannot write " + run.reportFile() + ": " + notWritten.getMessage());
            }
        }
        if (fatal != null) {
            err.println("ampfill: stopped: " + fatal);
        }
        err.flush();
    }

    /** Says what a first Ctrl-C or SIGTERM does, before the run stops as {@link #stop()} would. */
    void announceStopping() {
        StartedRun current = started;
        Duration timeout = current == null ? null : current.shutdownTimeout();
        err.println(timeout == null ? "ampfill: stopping before anything was read"
                : "ampfill: stopping: delivering what was read, up to " + DurationText.format(timeout)
                + "; press Ctrl-C again to stop now");
        err.flush();
    }

    /**
     * A second Ctrl-C or SIGTERM: saves the positions reached and prints the report, without waiting for what is in
     * flight (the next run reads and sends it again; Amplitude drops what it already has by insert_id). The caller
     * then halts the JVM.
     */
    void stopNow() {
        StartedRun current = started;
        if (current == null || current.report() == null || current.runControl() == null || current.target() == null
                || outcomePrinted.get()) {
            return; // not started yet, or already ended: nothing to save
        }
        String saved = "positions saved";
        try {
            current.savePositionsNow();
        } catch (RuntimeException notSaved) {
            saved = "positions of the last save kept (" + notSaved.getMessage() + ")"; // they never pass an unsent event
        }
        printOutcome(current);
        err.println("ampfill: stopped at once: " + saved + "; what was in flight is sent again by the next run");
        err.flush();
    }

    /** Ends a watching run as Ctrl-C would: stop reading, deliver what was read, checkpoint, report. */
    public void stop() {
        Main main = running;
        if (main != null) {
            main.completed();
        }
    }

    /** The report of the last run, for tests and the benchmark. */
    public RunReport lastReport() {
        return lastReport;
    }

    /**
     * The chosen source's and sink's routes, what a failing source does (the route configuration every source route
     * names: Camel ignores a name it has no definition of), and any extra route of the user's.
     */
    static String routesIncludePattern(Path userRoutes, String source, String sink) {
        List<String> patterns = new ArrayList<>();
        for (String name : List.of("source-errors.camel.yaml", source + "-source.camel.yaml", sink + "-sink.camel.yaml")) {
            patterns.add(Files.isRegularFile(userRoutes.resolve(name)) ? "file:" + userRoutes.resolve(name)
                    : "classpath:ampfill/routes/" + name);
        }
        if (Files.isDirectory(userRoutes)) {
            try (var files = Files.list(userRoutes)) {
                files.map(p -> p.getFileName().toString())
                        .filter(n -> n.endsWith(".camel.yaml") && !PACKED_ROUTES.contains(n))
                        .sorted()
                        .forEach(n -> patterns.add("file:" + userRoutes.resolve(n)));
            } catch (java.io.IOException e) {
                throw new BadSettingException("routes", "cannot list " + userRoutes + ": " + e.getMessage());
            }
        }
        return String.join(",", patterns);
    }
}

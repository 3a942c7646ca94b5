package io.ampfill.cli;

import io.ampfill.emulator.EmulatorMain;
import io.ampfill.emulator.EmulatorSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Unmatched;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * ampfill's command line (picocli): {@code run} (the default), {@code validate}, {@code plan} and {@code emulator}.
 * Settings come from application.properties, the environment and -Dname=value, before or after the command.
 */
@Command(name = "ampfill", sortOptions = false, usageHelpAutoWidth = true,
        description = "Backfills historical analytics events into Amplitude: every event once, in order per device.%n"
                + "With no command, runs (as `ampfill run`). Settings: application.properties, environment variables"
                + " (amplitude.api-key -> AMPLITUDE_API_KEY) and -Dname=value; see docs/configuration.md.",
        subcommands = {AmpfillCommand.Run.class, AmpfillCommand.Validate.class, AmpfillCommand.PlanRun.class,
                AmpfillCommand.Emulator.class},
        footerHeading = "%nExit codes:%n",
        footer = {"  0         run: every record was delivered or dead-lettered;",
                "            validate, plan: nothing would be rejected",
                "  1         a fatal answer (a wrong key, a 403); dead letters or the report",
                "            could not be written; the heap ran out; a file could not be read",
                "  2         a setting or an argument is invalid, or another run reads the",
                "            same inbox or table",
                "  3         validate, plan: records would be rejected, or a file cannot be read",
                "  130, 143  stopped by Ctrl-C or SIGTERM",
                "%nMore: docs/cli.md"})
public final class AmpfillCommand implements Callable<Integer> {
    private final PrintStream out;
    private final PrintStream err;
    /** The run in progress, for Ctrl-C and SIGTERM. */
    final AmpfillApp app;
    private Runnable beforeRun = () -> { };

    @Mixin
    SettingOptions settings;
    @Mixin
    RunOptions runOptions;

    public AmpfillCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
        this.app = new AmpfillApp(out, err);
    }

    /** What runs just before a run starts (not before validate, plan or the emulator): the launcher's signal handling. */
    public void beforeRun(Runnable beforeRun) {
        this.beforeRun = beforeRun;
    }

    /** Parses the arguments and runs the command; returns the exit code. */
    public int execute(String... args) {
        if (args.length == 0) {
            // a run with its settings from -D, the environment and application.properties, as most runs are: no need
            // for picocli, whose classes (built for Java 5) the launcher's class-data archive cannot hold, so that
            // reading them cost every run about 0.1 s of start
            return run(Map.of(), new RunOptions());
        }
        CommandLine line = new CommandLine(this);
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        // ampfill's one line for what will not do, as for a bad setting: exit code 2
        line.setParameterExceptionHandler((problem, given) -> {
            err.println("ampfill: " + problem.getMessage() + " (see ampfill --help)");
            return AmpfillApp.BAD_SETTINGS;
        });
        return line.execute(args);
    }

    /** No command: a run. */
    @Override
    public Integer call() {
        return run(settings.values(), runOptions);
    }

    int run(Map<String, String> overrides, RunOptions options) {
        Map<String, String> all = new LinkedHashMap<>(overrides);
        options.into(all);
        beforeRun.run();
        return app.run(all);
    }

    /** -Dname=value, and --help: every command takes them. */
    static final class SettingOptions {
        @Option(names = "-D", paramLabel = "NAME=VALUE", description = "A setting, as in application.properties.")
        Map<String, String> values = new LinkedHashMap<>();

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
        boolean help;

        Map<String, String> values() {
            return values;
        }

        /** A command's own -D values over those given before it. */
        Map<String, String> over(SettingOptions before) {
            Map<String, String> all = new LinkedHashMap<>(before.values);
            all.putAll(values);
            return all;
        }
    }

    /** What only a run takes. */
    static final class RunOptions {
        @Option(names = {"-q", "--quiet"}, description = "No progress while running (backfill.progress=false).")
        boolean quiet;

        @Option(names = "--report-json", paramLabel = "FILE",
                description = "Also write the final report to FILE as JSON (backfill.report-file).")
        Path reportJson;

        void into(Map<String, String> settings) {
            if (quiet) {
                settings.put(Setting.PROGRESS.name(), "false");
            }
            if (reportJson != null) {
                settings.put(Setting.REPORT_FILE.name(), reportJson.toString());
            }
        }

        /** These options, with those given before the command where not given again. */
        RunOptions over(RunOptions before) {
            RunOptions both = new RunOptions();
            both.quiet = quiet || before.quiet;
            both.reportJson = reportJson != null ? reportJson : before.reportJson;
            return both;
        }
    }

    @Command(name = "run", sortOptions = false, description = "Read the inbox (or the table), send every event to"
            + " Amplitude, move each file to the done folder once all its events are acknowledged or dead-lettered."
            + " With no API key, a dry run against the built-in emulator.")
    static final class Run implements Callable<Integer> {
        @ParentCommand
        AmpfillCommand parent;
        @Mixin
        SettingOptions settings;
        @Mixin
        RunOptions runOptions;

        @Override
        public Integer call() {
            return parent.run(settings.over(parent.settings), runOptions.over(parent.runOptions));
        }
    }

    /** validate and plan: the same look at the input; plan adds what sending it will take. */
    abstract static class Survey implements Callable<Integer> {
        @ParentCommand
        AmpfillCommand parent;
        @Mixin
        SettingOptions settings;

        @Parameters(index = "0", arity = "0..1", paramLabel = "DIR",
                description = "The inbox to read (default: backfill.inbox); not with backfill.source=jdbc.")
        Path inbox;

        abstract boolean plan();

        @Override
        public Integer call() {
            return new SurveyRun(parent.out, parent.err, plan()).run(settings.over(parent.settings), inbox);
        }
    }

    @Command(name = "validate", sortOptions = false, description = "Read the inbox (or the table) as a run would,"
            + " without sending, moving or recording anything; print records, valid events, rejects by reason with"
            + " examples, devices, users and the time range. Rejects go to <backfill.dead-letter-dir>/validate/."
            + " Exit code 0 when nothing is rejected, 3 otherwise.")
    static final class Validate extends Survey {
        @Override
        boolean plan() {
            return false;
        }
    }

    @Command(name = "plan", sortOptions = false, description = "What validate prints, and what the run will take under"
            + " Amplitude's limits: the heaviest devices and users and their time at amplitude.device-eps, every id over"
            + " the daily quota of 500,000 events with its days of sending, events 30 days old or older, and the"
            + " estimated duration. Exit codes as validate.")
    static final class PlanRun extends Survey {
        @Override
        boolean plan() {
            return true;
        }
    }

    @Command(name = "emulator", sortOptions = false, description = "Run the built-in Amplitude emulator on its own,"
            + " until stopped: POST /batch as Amplitude answers it, GET /stats for what it ingested.",
            customSynopsis = "ampfill emulator [-h] " + EmulatorMain.OPTIONS, footer = {"",
            "  --port N             where it listens on 127.0.0.1 (default 8080; 0 picks a free port)",
            "  --device-eps X       events per second per device it enforces with 429s (default: none)",
            "  --keep-events B      keep every event, for GET /stats?device=ID (default: true)",
            "  --threads N          threads answering requests",
            "  --latency-ms N, --latency-jitter-ms N, --latency-ms-per-mb N",
            "                       answer as a server far away would",
            "  --capacity KNEE,MAX, --overload-status 503|429",
            "                       answer as an overloaded server would",
            "  --api-key KEY        take only this key; any other gets Amplitude's 400 Invalid API key (default: any)"})
    static final class Emulator implements Callable<Integer> {
        @ParentCommand
        AmpfillCommand parent;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
        boolean help;

        /** The emulator's own options, read as its standalone main reads them (one parser for both). */
        @Unmatched
        List<String> options = new ArrayList<>();

        @Override
        public Integer call() throws InterruptedException {
            EmulatorSettings emulator;
            try {
                emulator = EmulatorMain.parse(options.toArray(String[]::new));
            } catch (IllegalArgumentException bad) {
                parent.err.println("ampfill: emulator: " + bad.getMessage() + " (see ampfill emulator --help)");
                return AmpfillApp.BAD_SETTINGS;
            }
            EmulatorMain.serve(emulator, parent.out);
            return AmpfillApp.OK;
        }
    }
}

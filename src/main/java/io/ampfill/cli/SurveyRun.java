package io.ampfill.cli;

import io.ampfill.deadletter.DeadLetterStore;
import io.ampfill.event.EventIntake;
import io.ampfill.event.MappingOutcome;
import io.ampfill.event.RecordMapper;
import io.ampfill.event.Refused;
import io.ampfill.ledger.AckLedger;
import io.ampfill.ledger.CheckpointStore;
import io.ampfill.ledger.SourceUnit;
import io.ampfill.report.RunReport;
import io.ampfill.setting.BadSettingException;
import io.ampfill.source.FilesNotRead;
import io.ampfill.source.InboxLock;
import io.ampfill.source.InboxScan;
import io.ampfill.source.IoErrorText;
import io.ampfill.source.RecordReader;
import io.ampfill.source.RecordReaders;
import io.ampfill.source.SourceRecord;
import io.ampfill.source.jdbc.JdbcSource;
import io.ampfill.survey.Plan;
import io.ampfill.survey.Survey;
import io.ampfill.survey.SurveyText;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.PropertiesComponent;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * validate and plan: reads the inbox (or the table) with the readers and the {@link RecordMapper} a run uses, and
 * sends nothing, moves nothing and saves no position. The records a run would reject are written to a folder of their
 * own, {@code <backfill.dead-letter-dir>/validate/}, emptied first: a run's dead-letter files hold each record once
 * across runs, and a look before the run must not add to them.
 *
 * <p>A plain loop rather than Camel routes: there is nothing to deliver, settle or checkpoint, which is what the
 * routes are for; the reading and the mapping are the run's own.
 */
final class SurveyRun {
    /** The folder of validate's dead letters, inside backfill.dead-letter-dir. */
    static final String FOLDER = "validate";
    /** Exit code of validate and plan when a record is rejected or a file cannot be read. */
    static final int REJECTS = 3;
    private static final int STEP = 1000;

    private final PrintStream out;
    private final PrintStream err;
    private final boolean plan;

    SurveyRun(PrintStream out, PrintStream err, boolean plan) {
        this.out = out;
        this.err = err;
        this.plan = plan;
    }

    /** Runs with these settings on top of application.properties, the environment and -D; returns the exit code. */
    int run(Map<String, String> overrides, Path inbox) {
        try {
            // a context never started: only its properties component, which reads the settings as a run's does
            CamelContext context = new DefaultCamelContext();
            PropertiesComponent properties = context.getPropertiesComponent();
            properties.setLocation(AmpfillApp.SETTINGS_LOCATION);
            overrides.forEach(properties::addOverrideProperty);
            Settings settings = new Settings(properties);
            String source = settings.get(Setting.SOURCE);
            if (source.equals("kafka")) {
                // a topic is read by its consumer group, whose offsets a look must not move
                throw new BadSettingException(Setting.SOURCE.name(), "validate and plan read a file inbox or a table,"
                        + " not kafka");
            }
            boolean files = source.equals("file");
            if (inbox != null) {
                if (!files) {
                    throw new BadSettingException("DIR", "names an inbox, but backfill.source is "
                            + settings.get(Setting.SOURCE) + ": leave it out");
                }
                properties.addOverrideProperty(Setting.INBOX.name(), inbox.toString());
            }
            SettingRules.check(settings);
            FolderSettings.check(settings);
            return survey(settings, properties, files);
        } catch (BadSettingException bad) {
            err.println("ampfill: " + bad.getMessage());
            return AmpfillApp.BAD_SETTINGS;
        } catch (UncheckedIOException | IllegalStateException failed) { // dead letters not written, a table not read
            err.println("ampfill: " + failed.getMessage());
            return AmpfillApp.FATAL;
        }
    }

    private int survey(Settings settings, PropertiesComponent properties, boolean files) {
        Path deadLetterDir = Path.of(settings.get(Setting.DEAD_LETTER_DIR)).resolve(FOLDER);
        emptyOfDeadLetters(deadLetterDir);
        RecordMapper mapper = new RecordMapper(MappingConfiguration.mappingSettings(settings));
        Survey survey = new Survey(System.currentTimeMillis());
        String title;
        try (DeadLetterStore deadLetters = new DeadLetterStore(deadLetterDir)) {
            AckLedger ledger = new AckLedger(deadLetters.untracked());
            Reading reading = new Reading(mapper, survey, deadLetters);
            if (files) {
                String shown = settings.get(Setting.INBOX);
                int count = readInbox(Path.of(shown), shown, ledger, reading);
                title = "ampfill " + (plan ? "plan" : "validate") + ": " + shown + " (" + count + (count == 1 ? " file)" : " files)");
            } else {
                readTable(properties, ledger, reading);
                title = "ampfill " + (plan ? "plan" : "validate") + ": the database source (backfill.jdbc.*)";
            }
        }
        String text = plan ? SurveyText.plan(title, survey, new Plan(settings.get(Setting.DEVICE_EPS),
                requestsAtOnce(settings), settings.get(Setting.MAX_EVENTS_PER_REQUEST)))
                : SurveyText.validation(title, survey);
        out.print(text);
        if (survey.rejected() > 0) {
            out.print(SurveyText.labelled("rejected records written to", deadLetterDir
                    + " (a run writes its own, in the folder above)"));
        }
        out.flush();
        return survey.clean() ? AmpfillApp.OK : REJECTS;
    }

    /** The inbox's files as the run takes them (name order, the formats it reads); returns how many there were. */
    private static int readInbox(Path inbox, String shown, AckLedger ledger, Reading reading) {
        FilesNotRead notRead = new FilesNotRead(shown, new RunReport());
        new InboxScan(inbox, shown, notRead).atStart(); // says what is ignored, and what cannot be read, as a run does
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(inbox)) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(inbox)) {
                for (Path entry : entries) {
                    String name = entry.getFileName().toString();
                    if (!name.startsWith(".") && !name.equals(InboxLock.FILE_NAME) && RecordReaders.supports(name)
                            && Files.isRegularFile(entry)) {
                        names.add(name);
                    }
                }
            } catch (IOException e) {
                throw new BadSettingException(Setting.INBOX.name(), "cannot list " + shown + ": " + IoErrorText.of(e));
            }
        }
        names.sort(null);
        for (String name : names) {
            if (notRead.refused(name)) {
                reading.survey.notRead(name, "cannot be read (said above)");
                continue;
            }
            reading.file(inbox.resolve(name), ledger.open(name));
        }
        return names.size();
    }

    /** The table from its first row (validate has no position to start from), the users' signups first. */
    private static void readTable(PropertiesComponent properties, AckLedger ledger, Reading reading) {
        try (JdbcSource source = DatabaseConfiguration.open(properties, ledger, CheckpointStore.NONE, () -> false, false)) {
            reading.pages(source.userPages());
            reading.pages(source.eventPages());
        }
    }

    /** What an earlier validate wrote: its files only, the folder stays. */
    private static void emptyOfDeadLetters(Path folder) {
        if (!Files.isDirectory(folder)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*.rejected.ndjson")) {
            for (Path file : files) {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new BadSettingException(Setting.DEAD_LETTER_DIR.name(), "cannot empty " + folder + ": " + IoErrorText.of(e));
        }
    }

    /** Maps each record as a run does, counts it, and writes the dead letter of a refused one. */
    private record Reading(RecordMapper mapper, Survey survey, DeadLetterStore deadLetters) {

        void file(Path path, SourceUnit unit) {
            String name = unit.name();
            List<SourceRecord> chunk = new ArrayList<>(STEP);
            try (RecordReader reader = RecordReaders.open(path)) {
                boolean more = true;
                while (more) {
                    more = reader.readChunk(chunk, STEP);
                    records(chunk, unit);
                    chunk.clear();
                }
            } catch (IOException e) {
                records(chunk, unit); // what was read before the failure counts, as a run delivers it
                survey.notRead(name, IoErrorText.of(e));
            }
        }

        void pages(Iterator<JdbcSource.PageChunk> pages) {
            while (pages.hasNext()) {
                JdbcSource.PageChunk page = pages.next();
                records(page.records(), page.unit());
            }
        }

        private void records(List<SourceRecord> records, SourceUnit unit) {
            for (SourceRecord record : records) {
                MappingOutcome outcome = mapper.map(record);
                survey.add(unit.name(), record.line(), outcome);
                if (outcome instanceof Refused refused) {
                    EventIntake.deadLetter(deadLetters, unit, record.line(), refused);
                }
            }
        }
    }

    /** The requests in flight a plan counts on: the fixed number, or with adaptive the most it allows (its ceiling). */
    private static int requestsAtOnce(Settings settings) {
        return "adaptive".equalsIgnoreCase(settings.get(Setting.MAX_CONCURRENT_REQUESTS))
                ? settings.get(Setting.MAX_CONCURRENT_REQUESTS_CEILING) : Integer.parseInt(settings.get(Setting.MAX_CONCURRENT_REQUESTS));
    }
}

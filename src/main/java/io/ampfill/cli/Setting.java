package io.ampfill.cli;

import io.ampfill.secret.SecretText;
import io.ampfill.source.jdbc.JdbcSourceSettings;
import io.ampfill.source.jdbc.UsersSettings;

import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import static io.ampfill.cli.SettingCheck.ANY;
import static io.ampfill.cli.SettingCheck.BOOLEAN;
import static io.ampfill.cli.SettingCheck.BY_DATABASE_SOURCE;
import static io.ampfill.cli.SettingCheck.FOLDER;
import static io.ampfill.cli.SettingCheck.adaptiveOr;
import static io.ampfill.cli.SettingCheck.autoOr;
import static io.ampfill.cli.SettingCheck.duration;
import static io.ampfill.cli.SettingCheck.emptyOr;
import static io.ampfill.cli.SettingCheck.hostPorts;
import static io.ampfill.cli.SettingCheck.httpUrl;
import static io.ampfill.cli.SettingCheck.kafkaTopic;
import static io.ampfill.cli.SettingCheck.number;
import static io.ampfill.cli.SettingCheck.oneOf;
import static io.ampfill.cli.SettingCheck.quoted;
import static io.ampfill.cli.SettingCheck.wholeNumber;

/**
 * A setting of application.properties, declared once: its name, how the run reads it, what its value may be (checked
 * at start by {@link SettingRules}) and the line the settings table of docs/configuration.md shows; one that configures
 * the {@code amplitude} component also names the component's option. The default is the setting's line in
 * application.properties. ConfigurationDocsTest holds the three together: the same settings in the same order, every
 * one with a default, and the docs table's rows made from these declarations and those defaults.
 *
 * <p>Declared in the order of application.properties, which is the order they are checked in: the first bad setting
 * of the file is the one reported. The database source reads its own settings in the core ({@link JdbcSourceSettings},
 * {@link UsersSettings}), so their names come from there.
 */
final class Setting<T> {
    private static final List<Setting<?>> DECLARED = new ArrayList<>();

    static final Setting<String> API_KEY = componentOption("amplitude.api-key", Settings.OPTIONAL_TEXT,
            ANY,
            "the project's API key; empty means a dry run against the built-in emulator");
    static final Setting<String> ENDPOINT = componentOption("amplitude.endpoint", Settings.TEXT,
            httpUrl(),
            "EU: `https://api.eu.amplitude.com/batch`");
    static final Setting<Double> DEVICE_EPS = componentOption("amplitude.device-eps", Settings.DECIMAL,
            number(0, SettingRules.AMPLITUDE_MAX_DEVICE_EPS,
                "0 turns pacing off; Amplitude allows at most 1000 per device"),
            "events per second per device (`device_id`, else `user_id`); 0 turns pacing off until Amplitude refuses "
            + "a device for its rate (then as for a 429, below). A user spread over several devices is not paced as "
            + "a whole: a 429 naming the user slows those devices down");
    static final Setting<Integer> MIN_ID_LENGTH = componentOption("amplitude.min-id-length", Settings.INT,
            wholeNumber(1, 1024, "Amplitude keeps ids of up to 1024 characters"),
            "shortest accepted `user_id` / `device_id`; sent as `options.min_id_length`");
    static final Setting<Boolean> SKIP_USER_PROPERTIES_SYNC = componentOption(
            "amplitude.skip-user-properties-sync", Settings.BOOLEAN,
            BOOLEAN,
            "`true` adds `\"$skip_user_properties_sync\": true` to every event");
    static final Setting<String> MAX_CONCURRENT_REQUESTS = componentOption(
            "amplitude.max-concurrent-requests", Settings.TEXT,
            adaptiveOr(wholeNumber(1, Integer.MAX_VALUE, null)),
            "requests in flight at once, over all devices: `adaptive` finds how many Amplitude takes (see "
            + "[delivery](delivery.md#adaptive-request-concurrency)); a number fixes it");
    static final Setting<Integer> MAX_CONCURRENT_REQUESTS_CEILING = componentOption(
            "amplitude.max-concurrent-requests-ceiling", Settings.INT,
            wholeNumber(1, 1024, "each request in flight takes a thread and a connection"),
            "the most requests in flight `adaptive` allows (1 to 1024)");
    static final Setting<Integer> MAX_EVENTS_PER_REQUEST = componentOption("amplitude.max-events-per-request", Settings.INT,
            wholeNumber(1, SettingRules.AMPLITUDE_MAX_EVENTS, "Amplitude's limit"),
            "events per request (Amplitude's limit is 2000)");
    static final Setting<Long> MAX_REQUEST_BYTES = componentOption("amplitude.max-request-bytes", Settings.LONG,
            wholeNumber(1, SettingRules.AMPLITUDE_MAX_BODY_BYTES, "Amplitude's limit is 20 MB"),
            "bytes per request body (Amplitude's limit is 20 MB)");
    static final Setting<Duration> QUOTA_PAUSE = componentOption("amplitude.quota-pause", Settings.DURATION,
            duration(Duration.ofMillis(1), null),
            "how long a device or user over its daily quota is paused");
    static final Setting<Duration> RETRY_BASE = componentOption("amplitude.retry.base", Settings.DURATION,
            duration(Duration.ofMillis(1), null),
            "first wait before a resend; it doubles on each further failure, with full jitter");
    static final Setting<Duration> RETRY_MAX_BACKOFF = componentOption("amplitude.retry.max-backoff", Settings.DURATION,
            duration(Duration.ofMillis(1), null),
            "longest wait between two resends");
    static final Setting<Duration> GIVE_UP_AFTER = componentOption(
            "amplitude.retry.give-up-after", "giveUpAfter", Settings.OPTIONAL_DURATION,
            emptyOr(duration(Duration.ofMillis(1),
                "empty resends until it succeeds; 0 would dead-letter at the first failure")),
            "empty: resend until it succeeds; a duration: dead-letter a batch still failing after that long");
    static final Setting<Duration> CONNECT_TIMEOUT = componentOption("amplitude.connect-timeout", Settings.DURATION,
            duration(Duration.ofMillis(1), "0 would wait forever"),
            "connecting to Amplitude");
    static final Setting<Duration> RESPONSE_TIMEOUT = componentOption("amplitude.response-timeout", Settings.DURATION,
            duration(Duration.ofMillis(1), "0 would wait forever"),
            "waiting for Amplitude's answer");
    static final Setting<String> SOURCE = setting("backfill.source", Settings.TEXT,
            oneOf("file", "jdbc", "kafka"),
            "where events come from: `file` (the drop folder), `jdbc` (a database) or `kafka` (a topic shared by "
            + "several instances, see [scaling out](scale-out.md))");
    static final Setting<String> SINK = setting("backfill.sink", Settings.TEXT,
            oneOf("amplitude", "kafka"),
            "where events go: `amplitude` (the Batch Event Upload API) or `kafka` (produced to "
            + "`backfill.kafka.topic`, keyed by device, for instances that read it; see [scaling "
            + "out](scale-out.md#publishing-to-kafka))");
    static final Setting<String> INBOX = setting("backfill.inbox", Settings.TEXT,
            FOLDER,
            "the drop folder");
    static final Setting<String> DEAD_LETTER_DIR = setting("backfill.dead-letter-dir", Settings.TEXT,
            FOLDER,
            "rejected records");
    static final Setting<String> DONE_DIR = setting("backfill.done-dir", Settings.TEXT,
            FOLDER,
            "files whose events were all delivered or dead-lettered (not in a dry run)");
    static final Setting<Boolean> RUN_ONCE = setting("backfill.run-once", Settings.BOOLEAN,
            BOOLEAN,
            "`true`: drain the inbox, then exit; `false`: keep watching it");
    static final Setting<Duration> FILE_MIN_AGE = setting("backfill.file-min-age", Settings.DURATION,
            duration(Duration.ZERO, null),
            "a file is taken only after it has been unchanged this long, so a half-written file waits");
    static final Setting<Duration> POLL_DELAY = setting("backfill.poll-delay", Settings.DURATION,
            duration(Duration.ofMillis(1), null),
            "how often the inbox is checked");
    static final Setting<Duration> MAX_TIME_AHEAD = componentOption("backfill.max-time-ahead", Settings.DURATION,
            duration(Duration.ZERO, null),
            "an event whose time is later than now plus this is rejected, as a time before 1970 is");
    static final Setting<Integer> CHUNK_SIZE = setting("backfill.chunk-size", Settings.INT,
            wholeNumber(1, Integer.MAX_VALUE, null),
            "records read per step (one Camel exchange each); a step also ends after 4 MB of input, so large events "
            + "make small steps");
    static final Setting<Long> MAX_IN_FLIGHT_EVENTS = componentOption("backfill.max-in-flight-events", Settings.LONG,
            wholeNumber(1, Long.MAX_VALUE, null),
            "the most events read but not yet acknowledged; beyond that, reading waits. With `adaptive` "
            + "concurrency, this many per 8 requests the limit allows (within the byte bound below)");
    static final Setting<String> MAX_IN_FLIGHT_BYTES = componentOption("backfill.max-in-flight-bytes", Settings.TEXT,
            autoOr(wholeNumber(1, Long.MAX_VALUE, null)),
            "the most bytes of such events (as sent); beyond that, reading waits. Keeps memory flat when events are "
            + "large. `auto`: two fifths of the heap, at most 256 MB (about 135 MB with the launcher's heap); or a number");
    static final Setting<String> SPILL_DIR = componentOption("backfill.spill-dir", Settings.TEXT,
            FOLDER,
            "where a device's waiting events beyond two requests' worth (or a quarter of the window) are kept, so a "
            + "device that is paced or paused does not hold up the others; emptied at every start, never a position");
    static final Setting<String> STATE_URL = setting("backfill.state.url", Settings.TEXT,
            value -> value.startsWith("jdbc:") ? null
                : "must be a JDBC URL such as jdbc:h2:file:./data/state/ampfill, got " + quoted(SecretText.mask(value, null)),
            "where the positions of partly sent files are kept (any JDBC URL, e.g. `jdbc:postgresql://host/db`)");
    static final Setting<String> STATE_USER = setting("backfill.state.user", Settings.OPTIONAL_TEXT,
            ANY,
            "user for the state store");
    static final Setting<String> STATE_PASSWORD = setting("backfill.state.password", Settings.OPTIONAL_TEXT,
            ANY,
            "password for the state store (or `BACKFILL_STATE_PASSWORD`); never printed");
    static final Setting<Duration> CHECKPOINT_INTERVAL = setting("backfill.checkpoint-interval", Settings.DURATION,
            duration(Duration.ofMillis(1), null),
            "how often positions are saved; after a crash, at most what settled since is sent again");
    static final Setting<Duration> SHUTDOWN_TIMEOUT = setting("backfill.shutdown-timeout", Settings.DURATION,
            duration(Duration.ofSeconds(1), null),
            "on Ctrl-C or SIGTERM, how long to finish delivering what was read before exiting");
    static final Setting<Boolean> PROGRESS = setting("backfill.progress", Settings.BOOLEAN,
            BOOLEAN,
            "progress while running: a live line on a terminal, a log line every `backfill.progress-interval` "
            + "otherwise; see [monitoring](monitoring.md)");
    static final Setting<String> REPORT_FILE = setting("backfill.report-file", Settings.OPTIONAL_TEXT,
            value -> !value.isEmpty() && new File(value).isDirectory()
                ? "is a folder; it names the file the report is written to" : null,
            "a file the final report is also written to as JSON (every figure, dead letters by reason and by source "
            + "file); `--report-json FILE` sets it; empty = none. See [the command line](cli.md#the-report-as-json)");
    static final Setting<Duration> PROGRESS_INTERVAL = setting("backfill.progress-interval", Settings.DURATION,
            duration(Duration.ofMillis(100), null),
            "how often a progress line is logged when the output is not a terminal");
    static final Setting<String> MANAGEMENT_PORT = setting("backfill.management-port", Settings.OPTIONAL_TEXT,
            value -> value.isEmpty() || value.equals("off") ? null
                : wholeNumber(1, 65535, "empty: off for a run-once, " + Watching.DEFAULT_MANAGEMENT_PORT
                + " when watching; off: never").problem(value),
            "health and Prometheus metrics on this port; empty: off for a run-once, `9876` when watching "
            + "(`backfill.run-once=false`); `off`: never; see [monitoring](monitoring.md)");
    static final Setting<String> MANAGEMENT_HOST = setting("backfill.management-host", Settings.TEXT,
            value -> value.isEmpty()
                ? "is empty; it names the address to listen on, such as 127.0.0.1" : null,
            "the address the management port listens on (`0.0.0.0`: every interface)");
    static final Setting<String> JDBC_URL = setting(JdbcSourceSettings.URL, Settings.OPTIONAL_TEXT,
            BY_DATABASE_SOURCE,
            "JDBC URL of the database to read (H2, PostgreSQL and MariaDB/MySQL drivers are packed in)");
    static final Setting<String> JDBC_USER = setting(JdbcSourceSettings.USER, Settings.OPTIONAL_TEXT,
            BY_DATABASE_SOURCE,
            "database user");
    static final Setting<String> JDBC_PASSWORD = setting(JdbcSourceSettings.PASSWORD, Settings.OPTIONAL_TEXT,
            BY_DATABASE_SOURCE,
            "database password (or `BACKFILL_JDBC_PASSWORD`); never printed");
    static final Setting<String> JDBC_TABLE = setting(JdbcSourceSettings.TABLE, Settings.OPTIONAL_TEXT,
            BY_DATABASE_SOURCE,
            "the table or view holding the events");
    static final Setting<String> JDBC_QUERY = setting(JdbcSourceSettings.QUERY, Settings.OPTIONAL_TEXT,
            BY_DATABASE_SOURCE,
            "a query instead of a table (then `backfill.jdbc.key-column` is required)");
    static final Setting<String> JDBC_CURSOR_COLUMN = setting(JdbcSourceSettings.CURSOR_COLUMN, Settings.OPTIONAL_TEXT,
            BY_DATABASE_SOURCE,
            "a column that only grows (`id`, `created_at`); rows are read in its order; empty means the key, if it "
            + "is one integer, time or date column (a UUID or text key must be named here)");
    static final Setting<String> JDBC_KEY_COLUMN = setting(JdbcSourceSettings.KEY_COLUMN, Settings.OPTIONAL_TEXT,
            BY_DATABASE_SOURCE,
            "the row's key (comma list), naming it in dead letters and deriving its `insert_id`; empty means the "
            + "primary key");
    static final Setting<String> JDBC_KEY_TABLE = setting(JdbcSourceSettings.KEY_TABLE, Settings.OPTIONAL_TEXT,
            BY_DATABASE_SOURCE,
            "with a query: the name `insert_id`s are derived from");
    static final Setting<String> JDBC_PAGE_SIZE = setting(JdbcSourceSettings.PAGE_SIZE, Settings.OPTIONAL_TEXT,
            BY_DATABASE_SOURCE,
            "rows read per page");
    static final Setting<String> JDBC_OTHER_COLUMNS = setting(JdbcSourceSettings.OTHER_COLUMNS, Settings.OPTIONAL_TEXT,
            BY_DATABASE_SOURCE,
            "columns that are not Amplitude fields: `event_properties` (each under its own name) or `ignore`");
    static final Setting<String> USERS_TABLE = setting(UsersSettings.TABLE, Settings.OPTIONAL_TEXT,
            BY_DATABASE_SOURCE,
            "pre-existing users: one row per user, each gets a signup event before their other events");
    static final Setting<String> USERS_CSV = setting(UsersSettings.CSV, Settings.OPTIONAL_TEXT,
            BY_DATABASE_SOURCE,
            "the same from a CSV file with a header row");
    static final Setting<String> USERS_ID_COLUMN = setting(UsersSettings.ID_COLUMN, Settings.OPTIONAL_TEXT,
            BY_DATABASE_SOURCE,
            "the user id column");
    static final Setting<String> USERS_CREATED_COLUMN = setting(UsersSettings.CREATED_COLUMN, Settings.OPTIONAL_TEXT,
            BY_DATABASE_SOURCE,
            "the user's creation time, the signup event's time");
    static final Setting<String> USERS_PROPERTIES_COLUMNS = setting(UsersSettings.PROPERTIES_COLUMNS, Settings.OPTIONAL_TEXT,
            BY_DATABASE_SOURCE,
            "columns sent as the signup's `user_properties` (comma list)");
    static final Setting<String> USERS_EVENT_TYPE = setting(UsersSettings.EVENT_TYPE, Settings.OPTIONAL_TEXT,
            BY_DATABASE_SOURCE,
            "the signup event's type");
    static final Setting<String> USERS_PAGE_SIZE = setting(UsersSettings.PAGE_SIZE, Settings.OPTIONAL_TEXT,
            BY_DATABASE_SOURCE,
            "rows of users read per page");
    static final Setting<String> KAFKA_BOOTSTRAP_SERVERS = setting("backfill.kafka.bootstrap-servers", Settings.TEXT,
            emptyOr(hostPorts()),
            "the Kafka brokers, `host:port`, comma-separated (required with `backfill.source=kafka` or "
            + "`backfill.sink=kafka`); TLS and SASL settings are the kafka component's own options, "
            + "`camel.component.kafka.security-protocol`, `camel.component.kafka.sasl-jaas-config` (never printed), "
            + "...");
    static final Setting<String> KAFKA_TOPIC = setting("backfill.kafka.topic", Settings.TEXT,
            emptyOr(kafkaTopic()),
            "the topic of events, one JSON event per record, keyed by device (required with `backfill.source=kafka` "
            + "or `backfill.sink=kafka`)");
    static final Setting<String> KAFKA_GROUP_ID = setting("backfill.kafka.group-id", Settings.TEXT,
            value -> value.isBlank() ? "is empty; the instances of one backfill share a group id" : null,
            "the consumer group: the instances of one backfill share it, and the topic's partitions");
    static final Setting<Duration> KAFKA_REVOKE_TIMEOUT = setting("backfill.kafka.revoke-timeout", Settings.DURATION,
            duration(Duration.ZERO, null),
            "when a partition moves to another instance, how long its requests on the wire have to be answered "
            + "before its settled prefix is committed");

    /** Every setting, in the order of application.properties. */
    static final List<Setting<?>> ALL = List.copyOf(DECLARED);

    private final String name;
    private final Settings.Reader<T> reader;
    private final SettingCheck check;
    private final String description;
    private final String componentOption;

    private Setting(String name, Settings.Reader<T> reader, SettingCheck check, String description, String componentOption) {
        this.name = name;
        this.reader = reader;
        this.check = check;
        this.description = description;
        this.componentOption = componentOption;
    }

    private static <T> Setting<T> setting(String name, Settings.Reader<T> reader, SettingCheck check, String description) {
        return declared(new Setting<>(name, reader, check, description, null));
    }

    /** A setting that sets the amplitude component's option of its name in camelCase: amplitude.retry.base, retryBase. */
    private static <T> Setting<T> componentOption(String name, Settings.Reader<T> reader, SettingCheck check,
                                                  String description) {
        return componentOption(name, camelCase(name), reader, check, description);
    }

    /** A setting that sets the amplitude component's option of another name. */
    private static <T> Setting<T> componentOption(String name, String option, Settings.Reader<T> reader,
                                                  SettingCheck check, String description) {
        return declared(new Setting<>(name, reader, check, description, option));
    }

    private static <T> Setting<T> declared(Setting<T> setting) {
        DECLARED.add(setting);
        return setting;
    }

    /** amplitude.retry.max-backoff: retryMaxBackoff (the part before the first dot names the family, not the option). */
    static String camelCase(String name) {
        StringBuilder camel = new StringBuilder();
        for (String word : name.substring(name.indexOf('.') + 1).split("[.-]")) {
            camel.append(camel.length() == 0 ? word : word.substring(0, 1).toUpperCase(Locale.ROOT) + word.substring(1));
        }
        return camel.toString();
    }

    /** The name in application.properties (amplitude.retry.base). */
    String name() {
        return name;
    }

    Settings.Reader<T> reader() {
        return reader;
    }

    /** The problem with this value in the user's words, or null when it will do. */
    String problem(String value) {
        return check.problem(value);
    }

    /** What the setting is for, as the docs table's last column shows it (markdown). */
    String description() {
        return description;
    }

    /** The amplitude component's option this setting sets, or null. */
    String componentOption() {
        return componentOption;
    }

    /**
     * The properties that set the same option of the component by its own name, as Camel takes them
     * (camel.component.amplitude.device-eps, camel.component.amplitude.deviceEps); none when the setting sets no option.
     */
    List<String> componentProperties() {
        if (componentOption == null) {
            return List.of();
        }
        String dashed = componentOption.replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
        return Stream.of(dashed, componentOption).distinct().map(option -> "camel.component.amplitude." + option).toList();
    }

    @Override
    public String toString() {
        return name;
    }
}

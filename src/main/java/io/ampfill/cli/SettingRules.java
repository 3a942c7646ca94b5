package io.ampfill.cli;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.ampfill.secret.SecretText;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What each setting of application.properties may be, checked before anything starts: a value that would hang the
 * run, break it half-way or be read in a way the user did not mean stops it at once with exit code 2 and one line,
 * {@code ampfill: <setting>: <what is wrong>}.
 */
final class SettingRules {
    /** Amplitude refuses a request of more events than this. */
    static final int AMPLITUDE_MAX_EVENTS = 2000;
    /** Amplitude refuses a request body larger than this (20 MB). */
    static final long AMPLITUDE_MAX_BODY_BYTES = 20L * 1024 * 1024;
    /** Amplitude's documented rate per device; a faster pace only earns 429s. */
    static final int AMPLITUDE_MAX_DEVICE_EPS = 1000;
    /** Room for one event in a request, beyond its envelope: an event is rarely larger (Amplitude cuts strings at 1 KB). */
    static final int ONE_EVENT_BYTES = 1024;
    /** Values are quoted in a message up to this length: a line stays a line. */
    private static final int QUOTED_AT_MOST = 80;

    /** What a value must be: the problem in the user's words, or null when the value will do. */
    @FunctionalInterface
    interface Check {
        String problem(String value);
    }

    record Rule(String setting, Check check) {
    }

    /** The names Kafka accepts for a topic. */
    private static final Pattern KAFKA_TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    private static final Pattern HOST_PORT = Pattern.compile("[^\\s:,/]+:\\d{1,5}|\\[[0-9a-fA-F:.]+]:\\d{1,5}");

    private static final Check ANY = value -> null;
    /** Checked where the database source reads its settings (JdbcSourceSettings, UsersSettings), when it is chosen. */
    private static final Check BY_DATABASE_SOURCE = value -> null;
    private static final Check BOOLEAN = value -> value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")
            ? null : "must be true or false, got " + quoted(value);
    private static final Check FOLDER = value -> value.isEmpty() ? "is empty; it names a folder" : null;

    /** In the order of application.properties, so the first bad setting of the file is the one reported. */
    static final List<Rule> RULES = List.of(
            new Rule("amplitude.api-key", ANY),
            new Rule("amplitude.endpoint", SettingRules::httpUrl),
            new Rule("amplitude.device-eps", number(0, AMPLITUDE_MAX_DEVICE_EPS,
                    "0 turns pacing off; Amplitude allows at most 1000 per device")),
            new Rule("amplitude.min-id-length", wholeNumber(1, 1024, "Amplitude keeps ids of up to 1024 characters")),
            new Rule("amplitude.skip-user-properties-sync", BOOLEAN),
            new Rule("amplitude.max-concurrent-requests", adaptiveOr(wholeNumber(1, Integer.MAX_VALUE, null))),
            new Rule("amplitude.max-concurrent-requests-ceiling", wholeNumber(1, 1024,
                    "each request in flight takes a thread and a connection")),
            new Rule("amplitude.max-events-per-request", wholeNumber(1, AMPLITUDE_MAX_EVENTS, "Amplitude's limit")),
            new Rule("amplitude.max-request-bytes", wholeNumber(1, AMPLITUDE_MAX_BODY_BYTES, "Amplitude's limit is 20 MB")),
            new Rule("amplitude.quota-pause", duration(Duration.ofMillis(1), null)),
            new Rule("amplitude.retry.base", duration(Duration.ofMillis(1), null)),
            new Rule("amplitude.retry.max-backoff", duration(Duration.ofMillis(1), null)),
            new Rule("amplitude.retry.give-up-after", emptyOr(duration(Duration.ofMillis(1),
                    "empty resends until it succeeds; 0 would dead-letter at the first failure"))),
            new Rule("amplitude.connect-timeout", duration(Duration.ofMillis(1), "0 would wait forever")),
            new Rule("amplitude.response-timeout", duration(Duration.ofMillis(1), "0 would wait forever")),
            new Rule("backfill.source", value -> value.equals("file") || value.equals("jdbc") || value.equals("kafka")
                    ? null : "must be file, jdbc or kafka, got " + quoted(value)),
            new Rule("backfill.sink", value -> value.equals("amplitude") || value.equals("kafka")
                    ? null : "must be amplitude or kafka, got " + quoted(value)),
            new Rule("backfill.inbox", FOLDER),
            new Rule("backfill.dead-letter-dir", FOLDER),
            new Rule("backfill.done-dir", FOLDER),
            new Rule("backfill.run-once", BOOLEAN),
            new Rule("backfill.file-min-age", duration(Duration.ZERO, null)),
            new Rule("backfill.poll-delay", duration(Duration.ofMillis(1), null)),
            new Rule("backfill.max-time-ahead", duration(Duration.ZERO, null)),
            new Rule("backfill.chunk-size", wholeNumber(1, Integer.MAX_VALUE, null)),
            new Rule("backfill.max-in-flight-events", wholeNumber(1, Long.MAX_VALUE, null)),
            new Rule("backfill.max-in-flight-bytes", wholeNumber(1, Long.MAX_VALUE, null)),
            new Rule("backfill.spill-dir", FOLDER),
            new Rule("backfill.state.url", value -> value.startsWith("jdbc:") ? null
                    : "must be a JDBC URL such as jdbc:h2:file:./data/state/ampfill, got " + quoted(SecretText.mask(value, null))),
            new Rule("backfill.state.user", ANY),
            new Rule("backfill.state.password", ANY),
            new Rule("backfill.checkpoint-interval", duration(Duration.ofMillis(1), null)),
            new Rule("backfill.shutdown-timeout", duration(Duration.ofSeconds(1), null)),
            new Rule("backfill.progress", BOOLEAN),
            new Rule("backfill.report-file", value -> !value.isEmpty() && new java.io.File(value).isDirectory()
                    ? "is a folder; it names the file the report is written to" : null),
            new Rule("backfill.progress-interval", duration(Duration.ofMillis(100), null)),
            new Rule("backfill.management-port", value -> value.isEmpty() || value.equals("off") ? null
                    : wholeNumber(1, 65535, "empty: off for a run-once, " + Watching.DEFAULT_MANAGEMENT_PORT
                    + " when watching; off: never").problem(value)),
            new Rule("backfill.management-host", value -> value.isEmpty() ? "is empty; it names the address to listen on,"
                    + " such as 127.0.0.1" : null),
            new Rule("backfill.jdbc.url", BY_DATABASE_SOURCE),
            new Rule("backfill.jdbc.user", BY_DATABASE_SOURCE),
            new Rule("backfill.jdbc.password", BY_DATABASE_SOURCE),
            new Rule("backfill.jdbc.table", BY_DATABASE_SOURCE),
            new Rule("backfill.jdbc.query", BY_DATABASE_SOURCE),
            new Rule("backfill.jdbc.cursor-column", BY_DATABASE_SOURCE),
            new Rule("backfill.jdbc.key-column", BY_DATABASE_SOURCE),
            new Rule("backfill.jdbc.key-table", BY_DATABASE_SOURCE),
            new Rule("backfill.jdbc.page-size", BY_DATABASE_SOURCE),
            new Rule("backfill.jdbc.other-columns", BY_DATABASE_SOURCE),
            new Rule("backfill.users.table", BY_DATABASE_SOURCE),
            new Rule("backfill.users.csv", BY_DATABASE_SOURCE),
            new Rule("backfill.users.id-column", BY_DATABASE_SOURCE),
            new Rule("backfill.users.created-column", BY_DATABASE_SOURCE),
            new Rule("backfill.users.properties-columns", BY_DATABASE_SOURCE),
            new Rule("backfill.users.event-type", BY_DATABASE_SOURCE),
            new Rule("backfill.kafka.bootstrap-servers", emptyOr(SettingRules::hostPorts)),
            new Rule("backfill.kafka.topic", emptyOr(value -> KAFKA_TOPIC.matcher(value).matches() && !value.equals(".")
                    && !value.equals("..") ? null : "must be a Kafka topic name (1 to 249 of a-z A-Z 0-9 . _ -), got " + quoted(value))),
            new Rule("backfill.kafka.group-id", value -> value.isBlank() ? "is empty; the instances of one backfill share a group id" : null),
            new Rule("backfill.kafka.revoke-timeout", duration(Duration.ZERO, null)));

    private SettingRules() {
    }

    /** Checks every setting, then the ones that must agree with each other; throws for the first that will not do. */
    static void check(Settings settings) {
        for (Rule rule : RULES) {
            String problem = rule.check().problem(settings.optional(rule.setting()));
            if (problem != null) {
                throw new Settings.BadSettingException(rule.setting(), problem);
            }
        }
        checkCombinations(settings);
    }

    private static void checkCombinations(Settings settings) {
        if (settings.string("backfill.source").equals("kafka")) {
            for (String needed : List.of("backfill.kafka.bootstrap-servers", "backfill.kafka.topic")) {
                if (settings.optional(needed).isBlank()) {
                    throw new Settings.BadSettingException(needed, "is empty; backfill.source=kafka reads from it");
                }
            }
        }
        Duration base = settings.duration("amplitude.retry.base");
        Duration maxBackoff = settings.duration("amplitude.retry.max-backoff");
        if (maxBackoff.compareTo(base) < 0) {
            throw new Settings.BadSettingException("amplitude.retry.max-backoff", "must be at least amplitude.retry.base ("
                    + DurationText.format(base) + "), got " + quoted(settings.optional("amplitude.retry.max-backoff")));
        }
        if (settings.string("backfill.source").equals("kafka") && settings.string("backfill.sink").equals("kafka")) {
            throw new Settings.BadSettingException("backfill.sink", "kafka publishes what the file or jdbc source reads; with"
                    + " backfill.source=kafka the events are in a topic already: leave backfill.sink at amplitude");
        }
        String apiKey = settings.optional("amplitude.api-key");
        long envelope = requestEnvelopeBytes(apiKey.isEmpty() ? AmplitudeTarget.DRY_RUN_KEY : apiKey,
                settings.integer("amplitude.min-id-length"));
        long requestBytes = settings.longValue("amplitude.max-request-bytes");
        if (requestBytes < envelope + ONE_EVENT_BYTES) {
            throw new Settings.BadSettingException("amplitude.max-request-bytes", "must be at least "
                    + (envelope + ONE_EVENT_BYTES) + ", room for the request's envelope (" + envelope
                    + " bytes) and one event of 1 KB, got " + quoted(settings.optional("amplitude.max-request-bytes")));
        }
        // the events read but not acknowledged are kept in memory: more than half the heap would run out of it
        long heapHalf = Runtime.getRuntime().maxMemory() / 2;
        if (settings.longValue("backfill.max-in-flight-bytes") > heapHalf) {
            throw new Settings.BadSettingException("backfill.max-in-flight-bytes", "must be at most half the heap ("
                    + heapHalf + " bytes of -Xmx" + Runtime.getRuntime().maxMemory() / (1024 * 1024) + "m); raise -Xmx or lower it, got "
                    + quoted(settings.optional("backfill.max-in-flight-bytes")));
        }
    }

    /** {"api_key":"KEY","events":[ ... ],"options":{"min_id_length":N}}: the bytes of a request around its events. */
    static long requestEnvelopeBytes(String apiKey, int minIdLength) {
        String key = new String(JsonStringEncoder.getInstance().quoteAsString(apiKey));
        return ("{\"api_key\":\"" + key + "\",\"events\":[],\"options\":{\"min_id_length\":" + minIdLength + "}}")
                .getBytes(StandardCharsets.UTF_8).length;
    }

    private static String httpUrl(String value) {
        String problem = "must be an http or https URL such as https://api2.amplitude.com/batch, got "
                + quoted(SecretText.mask(value, null));
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null ? null : problem;
        } catch (URISyntaxException e) {
            return problem;
        }
    }

    /** Kafka's bootstrap.servers: host:port, comma-separated. */
    private static String hostPorts(String value) {
        for (String server : value.split(",", -1)) {
            if (!HOST_PORT.matcher(server.trim()).matches()) {
                return "must be host:port, comma-separated, such as localhost:9092, got " + quoted(value);
            }
        }
        return null;
    }

    private static Check wholeNumber(long min, long max, String why) {
        String range = max == Long.MAX_VALUE || max == Integer.MAX_VALUE
                ? "a whole number of at least " + min : "a whole number from " + min + " to " + max;
        String expected = "must be " + range + (why == null ? "" : " (" + why + ")") + ", got ";
        return value -> {
            try {
                long n = Long.parseLong(value);
                return n >= min && n <= max ? null : expected + quoted(value);
            } catch (NumberFormatException e) {
                return expected + quoted(value);
            }
        };
    }

    private static Check number(double min, double max, String why) {
        String expected = "must be a number from " + format(min) + " to " + format(max) + " (" + why + "), got ";
        return value -> {
            try {
                double n = Double.parseDouble(value);
                return n >= min && n <= max ? null : expected + quoted(value); // NaN is neither
            } catch (NumberFormatException e) {
                return expected + quoted(value);
            }
        };
    }

    private static Check duration(Duration min, String why) {
        return value -> {
            Duration d = DurationText.parse(value);
            if (d == null) {
                return "must be a duration with a unit, such as " + DurationText.EXAMPLES + ", got " + quoted(value);
            }
            if (d.compareTo(min) < 0) {
                return "must be at least " + DurationText.format(min) + (why == null ? "" : " (" + why + ")") + ", got " + quoted(value);
            }
            return null;
        };
    }

    /** "adaptive", or what the check takes. */
    private static Check adaptiveOr(Check check) {
        return value -> {
            if (value.equalsIgnoreCase("adaptive")) {
                return null;
            }
            String problem = check.problem(value);
            return problem == null ? null : problem.replaceFirst("^must be ", "must be adaptive or ");
        };
    }

    private static Check emptyOr(Check check) {
        return value -> value.isEmpty() ? null : check.problem(value);
    }

    private static String format(double n) {
        return n == Math.rint(n) ? String.valueOf((long) n) : String.valueOf(n);
    }

    /** The value as the user wrote it, in quotes, cut short when long. */
    static String quoted(String value) {
        return "\"" + (value.length() <= QUOTED_AT_MOST ? value : value.substring(0, QUOTED_AT_MOST) + "...") + "\"";
    }
}

package io.ampfill.cli;

import io.ampfill.emulator.AmplitudeEmulator;
import io.ampfill.emulator.EmulatorSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Every setting of application.properties, given a value that is negative, zero, too large, of the wrong type or empty
 * where one is required: the run does not start, exits with 2 and says in one line which setting and what is wrong,
 * without touching the input. The real application runs in this JVM against the emulator.
 */
class BadSettingsTest {
    private static AmplitudeEmulator emulator;

    @TempDir
    Path work;

    @BeforeAll
    static void startEmulator() {
        emulator = AmplitudeEmulator.start(new EmulatorSettings());
    }

    @AfterAll
    static void stopEmulator() {
        emulator.close();
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                arguments("amplitude.endpoint", "ftp://example.com/batch", "must be an http or https URL"),
                arguments("amplitude.endpoint", "api2.amplitude.com/batch", "must be an http or https URL"),
                arguments("amplitude.endpoint", "http://", "must be an http or https URL"),
                arguments("amplitude.endpoint", "", "must be an http or https URL"),
                arguments("amplitude.device-eps", "-1", "must be a number from 0 to 1000"),
                arguments("amplitude.device-eps", "1000000", "must be a number from 0 to 1000"),
                arguments("amplitude.device-eps", "NaN", "must be a number from 0 to 1000"),
                arguments("amplitude.device-eps", "fast", "must be a number from 0 to 1000"),
                arguments("amplitude.device-eps", "", "must be a number from 0 to 1000"),
                arguments("amplitude.min-id-length", "0", "must be a whole number from 1 to 1024"),
                arguments("amplitude.min-id-length", "-5", "must be a whole number from 1 to 1024"),
                arguments("amplitude.min-id-length", "1025", "must be a whole number from 1 to 1024"),
                arguments("amplitude.min-id-length", "five", "must be a whole number from 1 to 1024"),
                arguments("amplitude.skip-user-properties-sync", "yes", "must be true or false"),
                arguments("amplitude.skip-user-properties-sync", "", "must be true or false"),
                arguments("amplitude.max-concurrent-requests", "0", "must be adaptive or a whole number of at least 1"),
                arguments("amplitude.max-concurrent-requests", "-8", "must be adaptive or a whole number of at least 1"),
                arguments("amplitude.max-concurrent-requests", "99999999999", "must be adaptive or a whole number of at least 1"),
                arguments("amplitude.max-concurrent-requests", "adapt", "must be adaptive or a whole number of at least 1"),
                arguments("amplitude.max-concurrent-requests-ceiling", "0", "must be a whole number from 1 to 1024"),
                arguments("amplitude.max-concurrent-requests-ceiling", "2000", "must be a whole number from 1 to 1024"),
                arguments("amplitude.max-events-per-request", "0", "must be a whole number from 1 to 2000"),
                arguments("amplitude.max-events-per-request", "2001", "must be a whole number from 1 to 2000"),
                arguments("amplitude.max-events-per-request", "1.5", "must be a whole number from 1 to 2000"),
                arguments("amplitude.max-request-bytes", "0", "must be a whole number from 1 to 20971520"),
                arguments("amplitude.max-request-bytes", "20971521", "must be a whole number from 1 to 20971520"),
                arguments("amplitude.max-request-bytes", "20MB", "must be a whole number from 1 to 20971520"),
                arguments("amplitude.max-request-bytes", "500", "room for the request's envelope"),
                arguments("amplitude.quota-pause", "15", "must be a duration with a unit"),
                arguments("amplitude.quota-pause", "0s", "must be at least 1ms"),
                arguments("amplitude.quota-pause", "-15m", "must be a duration with a unit"),
                arguments("amplitude.quota-pause", "15 min", "must be a duration with a unit"),
                arguments("amplitude.quota-pause", "", "must be a duration with a unit"),
                arguments("amplitude.retry.base", "0ms", "must be at least 1ms"),
                arguments("amplitude.retry.base", "500", "must be a duration with a unit"),
                arguments("amplitude.retry.max-backoff", "60", "must be a duration with a unit"),
                arguments("amplitude.retry.max-backoff", "100ms", "must be at least amplitude.retry.base (500ms)"),
                arguments("amplitude.retry.give-up-after", "0s", "must be at least 1ms"),
                arguments("amplitude.retry.give-up-after", "30", "must be a duration with a unit"),
                arguments("amplitude.connect-timeout", "0s", "0 would wait forever"),
                arguments("amplitude.connect-timeout", "30", "must be a duration with a unit"),
                arguments("amplitude.response-timeout", "0s", "0 would wait forever"),
                arguments("amplitude.response-timeout", "PT180S", "must be a duration with a unit"),
                arguments("backfill.source", "rabbitmq", "must be file, jdbc or kafka"),
                arguments("backfill.source", "", "must be file, jdbc or kafka"),
                arguments("backfill.kafka.group-id", " ", "is empty; the instances of one backfill share a group id"),
                arguments("backfill.kafka.revoke-timeout", "soon", "must be a duration"),
                arguments("backfill.sink", "kafka-topic", "must be amplitude or kafka"),
                arguments("backfill.sink", "", "must be amplitude or kafka"),
                arguments("backfill.inbox", "", "is empty; it names a folder"),
                arguments("backfill.dead-letter-dir", "", "is empty; it names a folder"),
                arguments("backfill.done-dir", "", "is empty; it names a folder"),
                arguments("backfill.run-once", "maybe", "must be true or false"),
                arguments("backfill.file-min-age", "2", "must be a duration with a unit"),
                arguments("backfill.file-min-age", "-2s", "must be a duration with a unit"),
                arguments("backfill.poll-delay", "5", "must be a duration with a unit"),
                arguments("backfill.poll-delay", "0ms", "must be at least 1ms"),
                arguments("backfill.poll-delay", "99999999999d", "must be a duration with a unit"),
                arguments("backfill.max-time-ahead", "1", "must be a duration with a unit"),
                arguments("backfill.max-time-ahead", "-1d", "must be a duration with a unit"),
                arguments("backfill.chunk-size", "0", "must be a whole number of at least 1"),
                arguments("backfill.chunk-size", "-1", "must be a whole number of at least 1"),
                arguments("backfill.chunk-size", "2147483648", "must be a whole number of at least 1"),
                arguments("backfill.chunk-size", "many", "must be a whole number of at least 1"),
                arguments("backfill.max-in-flight-events", "0", "must be a whole number of at least 1"),
                arguments("backfill.max-in-flight-events", "1e5", "must be a whole number of at least 1"),
                arguments("backfill.max-in-flight-bytes", "0", "must be auto or a whole number of at least 1"),
                arguments("backfill.max-in-flight-bytes", "lots", "must be auto or a whole number"),
                arguments("backfill.max-in-flight-bytes", "9223372036854775807", "must be at most half the heap"),
                arguments("backfill.spill-dir", "", "is empty; it names a folder"),
                arguments("backfill.state.url", "", "must be a JDBC URL"),
                arguments("backfill.state.url", "h2:file:./state", "must be a JDBC URL"),
                arguments("backfill.checkpoint-interval", "0s", "must be at least 1ms"),
                arguments("backfill.checkpoint-interval", "1", "must be a duration with a unit"),
                arguments("backfill.shutdown-timeout", "0s", "must be at least 1s"),
                arguments("backfill.shutdown-timeout", "500ms", "must be at least 1s"),
                arguments("backfill.shutdown-timeout", "30", "must be a duration with a unit"),
                arguments("backfill.kafka.bootstrap-servers", "localhost", "must be host:port, comma-separated"),
                arguments("backfill.kafka.bootstrap-servers", "a:9092,,b:9092", "must be host:port, comma-separated"),
                arguments("backfill.kafka.topic", "amplitude events", "must be a Kafka topic name"),
                arguments("backfill.kafka.topic", "..", "must be a Kafka topic name"),
                arguments("camel.component.http.connections-per-route", "many", "must be a whole number"),
                // the component's options that a setting sets, by the component's names: checked as the setting is
                arguments("camel.component.amplitude.device-eps", "-1", "must be a number from 0 to 1000"),
                arguments("camel.component.amplitude.maxInFlightEvents", "0", "must be a whole number of at least 1"),
                arguments("camel.component.amplitude.max-concurrent-requests", "0", "must be adaptive or a whole number"));
    }

    @Test
    void the_kafka_source_without_brokers_or_topic_stops_the_start_naming_the_setting() throws IOException {
        Start noBrokers = start(Map.of("backfill.source", "kafka", "backfill.kafka.topic", "events"));
        Start noTopic = start(Map.of("backfill.source", "kafka", "backfill.kafka.bootstrap-servers", "127.0.0.1:9"));

        assertThat(noBrokers.exitCode).isEqualTo(AmpfillApp.BAD_SETTINGS);
        assertThat(noBrokers.err.strip()).isEqualTo("ampfill: backfill.kafka.bootstrap-servers: is empty; backfill.source=kafka reads from it");
        assertThat(noTopic.exitCode).isEqualTo(AmpfillApp.BAD_SETTINGS);
        assertThat(noTopic.err.strip()).isEqualTo("ampfill: backfill.kafka.topic: is empty; backfill.source=kafka reads from it");
    }

    @ParameterizedTest(name = "{0}=\"{1}\"")
    @MethodSource("badValues")
    void a_bad_value_stops_the_start_with_exit_2_and_one_line_naming_the_setting(String setting, String value, String says)
            throws IOException {
        Start start = start(Map.of(setting, value));

        assertThat(start.exitCode).as(start.err).isEqualTo(AmpfillApp.BAD_SETTINGS);
        String settingAsCamelNamesIt = setting.equals("camel.component.http.connections-per-route")
                ? "camel.component.http.connectionsPerRoute" : setting;
        assertThat(start.err.lines().toList()).as(start.err).singleElement().asString()
                .startsWith("ampfill: " + settingAsCamelNamesIt + ": ")
                .contains(says)
                .doesNotContain("Exception", "org.apache", "\tat ");
        assertThat(Files.readString(start.inbox.resolve("events.ndjson"))).as("input untouched").isEqualTo(EVENT + "\n");
    }

    @Test
    void the_database_sources_settings_give_the_same_one_line() throws IOException {
        Map<String, String> jdbc = Map.of("backfill.source", "jdbc", "backfill.jdbc.url", "jdbc:h2:mem:bad-settings",
                "backfill.jdbc.table", "events");
        for (Map.Entry<String, String> bad : Map.of("backfill.jdbc.page-size", "0", "backfill.jdbc.other-columns", "drop",
                "backfill.jdbc.url", "postgres://db/app").entrySet()) {
            Map<String, String> settings = new HashMap<>(jdbc);
            settings.put(bad.getKey(), bad.getValue());
            Start start = start(settings);
            assertThat(start.exitCode).as(start.err).isEqualTo(AmpfillApp.BAD_SETTINGS);
            assertThat(start.err.lines().toList()).as(start.err).singleElement().asString()
                    .startsWith("ampfill: " + bad.getKey() + ": ").contains(bad.getValue());
        }
    }

    @Test
    void every_setting_of_application_properties_has_a_rule() throws IOException {
        Properties file = new Properties();
        try (var in = Files.newInputStream(Path.of("application.properties"))) {
            file.load(in);
        }
        Set<String> ours = new java.util.TreeSet<>();
        for (String name : file.stringPropertyNames()) {
            if (!name.startsWith("camel.")) {
                ours.add(name);
            }
        }
        assertThat(Setting.ALL.stream().map(Setting::name).toList())
                .containsExactlyInAnyOrderElementsOf(ours);
    }

    @Test
    void the_defaults_and_the_smallest_and_largest_accepted_values_start() throws IOException {
        for (Map<String, String> good : List.of(Map.<String, String>of(),
                Map.of("amplitude.max-events-per-request", "1", "amplitude.max-request-bytes", "20971520",
                        "amplitude.device-eps", "1000", "backfill.chunk-size", "1", "backfill.file-min-age", "0s",
                        "amplitude.retry.give-up-after", "1h30m", "backfill.shutdown-timeout", "1s"),
                Map.of("amplitude.device-eps", "0", "camel.component.amplitude.deviceEps", "0", "amplitude.max-concurrent-requests", "64",
                        "amplitude.max-request-bytes", "1200", "amplitude.retry.base", "1ms", "amplitude.retry.max-backoff", "1ms"))) {
            Start start = start(good);
            assertThat(start.exitCode).as(good + "%n" + start.err).isZero();
            assertThat(emulator.ingestedCount()).as(good.toString()).isEqualTo(1);
            emulator.close();
            emulator = AmplitudeEmulator.start(new EmulatorSettings());
        }
    }

    private static final String EVENT = "{\"event_type\":\"Played Song\",\"device_id\":\"device-0001\",\"time\":1700000000000}";

    private record Start(int exitCode, String err, Path inbox) {
    }

    /** Starts a run over one event with these settings on top of a working set; a run that hangs fails the test. */
    private Start start(Map<String, String> overrides) throws IOException {
        Path dir = Files.createTempDirectory(work, "run");
        Path inbox = Files.createDirectories(dir.resolve("inbox"));
        Files.writeString(inbox.resolve("events.ndjson"), EVENT + "\n");
        Map<String, String> settings = new HashMap<>();
        settings.put("amplitude.api-key", "test-key-0123456789");
        settings.put("amplitude.endpoint", emulator.batchUrl());
        settings.put("backfill.inbox", inbox.toString());
        settings.put("backfill.done-dir", dir.resolve("done").toString());
        settings.put("backfill.dead-letter-dir", dir.resolve("dead-letter").toString());
        settings.put("backfill.spill-dir", dir.resolve("spill").toString());
        settings.put("backfill.state.url", "jdbc:h2:file:" + dir.resolve("state/ampfill").toAbsolutePath());
        settings.put("backfill.file-min-age", "0s");
        settings.put("backfill.poll-delay", "50ms");
        settings.putAll(overrides);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exitCode = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> new AmpfillApp(
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(settings), "the run ended");
        return new Start(exitCode, err.toString(StandardCharsets.UTF_8), inbox);
    }
}

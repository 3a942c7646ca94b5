package io.ampfill.cli;

import io.ampfill.emulator.AmplitudeEmulator;
import io.ampfill.emulator.EmulatorSettings;
import io.ampfill.source.InboxLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The quick start as a user runs it: the packaged jar and its launcher, from another folder, over a copy of samples/. */
class PackagedJarIT {
    @TempDir
    Path work;

    @Test
    void the_packaged_jar_dry_runs_the_samples_and_leaves_them_untouched() throws Exception {
        Path inbox = copySamples();
        List<String> before = listing(inbox);

        String output = runJarSucceeding("-Dbackfill.inbox=samples/inbox", "-Dbackfill.file-min-age=0s");

        assertThat(output).contains("dry run").contains("records read                       1002")
                .contains("events delivered                   1000").contains("dead-lettered                      2");
        assertThat(listing(inbox)).isEqualTo(before);
        assertThat(work.resolve("data/done")).doesNotExist();
        assertThat(Files.readAllLines(work.resolve("data/dead-letter/01-web-events.ndjson.rejected.ndjson"))).hasSize(2);
    }

    @Test
    void a_dry_run_sends_to_its_own_emulator_even_when_an_endpoint_is_set_outside_the_settings_file() throws Exception {
        copySamples();
        try (AmplitudeEmulator elsewhere = AmplitudeEmulator.start(new EmulatorSettings())) {
            // an EU user's shell exports AMPLITUDE_ENDPOINT (as the README shows); -D and the environment outrank any
            // value ampfill sets itself, so the dry run must not use that name for where it sends
            String bySystemProperty = runJarSucceeding("-Damplitude.endpoint=" + elsewhere.batchUrl(),
                    "-Dbackfill.inbox=samples/inbox", "-Dbackfill.file-min-age=0s");
            String byEnvironment = runSucceeding(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Dbackfill.inbox=samples/inbox", "-Dbackfill.file-min-age=0s", "-jar",
                    Path.of("target/ampfill.jar").toAbsolutePath().toString()), Map.of("AMPLITUDE_ENDPOINT", elsewhere.batchUrl()));

            assertThat(elsewhere.requestCount()).as("requests to the endpoint named outside the settings file").isZero();
            assertThat(bySystemProperty).contains("dry run").contains("events delivered                   1000");
            assertThat(byEnvironment).contains("dry run").contains("events delivered                   1000");
        }
    }

    @Test
    void the_launcher_makes_its_class_data_archive_once_without_the_users_settings_then_starts_with_it() throws Exception {
        Path inbox = copySamples();
        Path cds = Files.createDirectories(work.resolve("cds"));
        try (AmplitudeEmulator emulator = AmplitudeEmulator.start(new EmulatorSettings())) {
            // a real run: the archive's own dry run must not see the key, nor send anything anywhere
            Map<String, String> env = Map.of("AMPFILL_CDS_DIR", cds.toString(),
                    "AMPLITUDE_API_KEY", "it-key-0123456789", "AMPLITUDE_ENDPOINT", emulator.batchUrl());

            String first = runLauncherSucceeding(env, "-Dbackfill.inbox=samples/inbox", "-Dbackfill.file-min-age=0s");

            assertThat(first).contains("making a class-data archive").contains("events delivered                   1000")
                    .doesNotContain("it-key-0123456789");
            assertThat(emulator.ingestedCount()).isEqualTo(1000);
            try (Stream<Path> archives = Files.list(cds)) {
                assertThat(archives.map(p -> p.getFileName().toString()).toList())
                        .singleElement().asString().startsWith("ampfill-").endsWith(".jsa");
            }
            // every file moved to done; only the run's lock file stays
            assertThat(inbox).isDirectoryNotContaining(file -> !file.getFileName().toString().equals(InboxLock.FILE_NAME));

            copySamples();
            // a state store of its own: the first run's one knows these files are done and would skip them
            String second = runLauncherSucceeding(env, "-Dbackfill.inbox=samples/inbox", "-Dbackfill.file-min-age=0s",
                    "-Dbackfill.state.url=jdbc:h2:file:./data/second-state/ampfill");

            assertThat(second).doesNotContain("class-data archive").contains("events delivered                   1000");
            // the same events again: Amplitude (here the emulator) drops them by insert_id
            assertThat(emulator.duplicateCount()).isEqualTo(1000);
            assertThat(emulator.ingestedCount()).isEqualTo(1000);
        }
    }

    @Test
    void the_launcher_hands_commands_to_ampfill_and_settings_to_the_jvm() throws Exception {
        Path inbox = copySamples();
        List<String> before = listing(inbox);
        Map<String, String> env = Map.of("AMPFILL_CDS", "off");

        String help = runLauncherSucceeding(env, "--help");
        String plan = runExpecting(SurveyRun.REJECTS, List.of(Path.of("bin/ampfill").toAbsolutePath().toString(), "plan",
                "samples/inbox", "-Dbackfill.dead-letter-dir=checks", "-Xmx128m"), Map.of("AMPFILL_CDS", "off",
                "JAVA_HOME", System.getProperty("java.home")));

        assertThat(help).contains("Usage: ampfill", "validate", "plan", "emulator", "Exit codes:");
        assertThat(plan).contains("ampfill plan: samples/inbox (4 files)").containsPattern("records +1,002\n")
                .containsPattern("rejected +2\n").contains("estimated duration");
        assertThat(Files.readAllLines(work.resolve("checks/validate/01-web-events.ndjson.rejected.ndjson"))).hasSize(2);
        assertThat(listing(inbox)).isEqualTo(before);
        assertThat(work.resolve("data")).as("no done folder, state or dead letters of a run").doesNotExist();
    }

    @Test
    void the_launcher_refuses_its_own_bad_settings_with_exit_2_and_one_line() throws Exception {
        Map<String, String> bad = Map.of("AMPFILL_JAR", "no-such.jar", "JAVA_HOME", work.resolve("no-jdk").toString(),
                "AMPFILL_CDS", "false");
        for (Map.Entry<String, String> setting : bad.entrySet()) {
            ProcessBuilder builder = new ProcessBuilder(Path.of("bin/ampfill").toAbsolutePath().toString())
                    .directory(work.toFile()).redirectErrorStream(true);
            builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
            builder.environment().put(setting.getKey(), setting.getValue());
            Process run = builder.start();
            String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(run.waitFor(30, TimeUnit.SECONDS)).isTrue();

            assertThat(run.exitValue()).as(output).isEqualTo(AmpfillApp.BAD_SETTINGS);
            assertThat(output.lines().toList()).singleElement().asString().startsWith("ampfill: " + setting.getKey() + ": ");
        }
    }

    @Test
    void the_users_own_settings_and_routes_in_the_working_folder_override_the_packed_ones() throws Exception {
        Files.writeString(work.resolve("application.properties"),
                "backfill.inbox = my-inbox\nbackfill.dead-letter-dir = my-rejects\nbackfill.file-min-age = 0s\n");
        Path inbox = Files.createDirectories(work.resolve("my-inbox"));
        Files.writeString(inbox.resolve("a.ndjson"), "{\"event_type\":\"x\",\"device_id\":\"null\",\"time\":1700000000000}\n");
        Files.createDirectories(work.resolve("routes"));
        Files.writeString(work.resolve("routes/extra.camel.yaml"), """
                - route:
                    id: extra
                    from:
                      uri: "timer:extra?repeatCount=1&delay=0"
                      steps:
                        - setBody:
                            constant: "ran"
                        - to: "file:extra-out"
                """);

        String output = runJarSucceeding();

        assertThat(output).contains("records read                       1");
        assertThat(Files.readAllLines(work.resolve("my-rejects/a.ndjson.rejected.ndjson"))).hasSize(1);
        assertThat(work.resolve("extra-out")).isNotEmptyDirectory();
    }

    @Test
    void the_packaged_jar_reads_a_database_table() throws Exception {
        String url = "jdbc:h2:file:" + work.resolve("legacy").toAbsolutePath();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url, "sa", "");
             java.sql.Statement s = c.createStatement()) {
            s.execute("CREATE TABLE events (id BIGINT PRIMARY KEY, device_id VARCHAR(40), event_type VARCHAR(40),"
                    + " time BIGINT, props JSON)");
            s.execute("INSERT INTO events SELECT x, 'device-' || (x % 10 + 10000), 'Played Song', 1700000000000 + x,"
                    + " '{\"n\":1}' FORMAT JSON FROM SYSTEM_RANGE(1, 1000)");
        }
        try (AmplitudeEmulator emulator = AmplitudeEmulator.start(new EmulatorSettings())) {
            String output = runJarSucceeding(
                    "-Damplitude.api-key=it-key-0123456789", "-Damplitude.endpoint=" + emulator.batchUrl(),
                    "-Dbackfill.source=jdbc", "-Dbackfill.jdbc.url=" + url, "-Dbackfill.jdbc.user=sa",
                    "-Dbackfill.jdbc.table=events", "-Dbackfill.map.event_properties=props");

            assertThat(emulator.ingestedCount()).isEqualTo(1000);
            assertThat(output).contains("events delivered                   1000");
        }
    }

    @Test
    void logging_at_trace_level_never_prints_the_api_key_or_the_database_password() throws Exception {
        String url = "jdbc:h2:file:" + work.resolve("legacy").toAbsolutePath();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url, "sa", "db-pass-4567");
             java.sql.Statement s = c.createStatement()) {
            s.execute("CREATE TABLE events (id BIGINT PRIMARY KEY, device_id VARCHAR(40), event_type VARCHAR(40), time BIGINT)");
            s.execute("INSERT INTO events SELECT x, 'device-' || (x % 10 + 10000), 'Played Song', 1700000000000 + x"
                    + " FROM SYSTEM_RANGE(1, 100)");
        }
        try (AmplitudeEmulator emulator = AmplitudeEmulator.start(new EmulatorSettings())) {
            // a user chasing a problem turns everything up: Camel then logs property values, the HTTP client the bodies
            String output = runJarSucceeding("-Dorg.slf4j.simpleLogger.defaultLogLevel=trace",
                    "-Damplitude.api-key=it-key-0123456789", "-Damplitude.endpoint=" + emulator.batchUrl(),
                    "-Dbackfill.source=jdbc", "-Dbackfill.jdbc.url=" + url, "-Dbackfill.jdbc.user=sa",
                    "-Dbackfill.jdbc.password=db-pass-4567", "-Dbackfill.jdbc.table=events");

            assertThat(emulator.ingestedCount()).isEqualTo(100);
            assertThat(output).contains("[DEBUG]").contains("events delivered                   100");
            assertThat(output.lines().filter(line -> line.contains("it-key-0123456789") || line.contains("db-pass-4567"))
                    .map(line -> line.substring(0, Math.min(line.length(), 200))))
                    .as("lines that print a secret").isEmpty();
        }
    }

    /** Runs java -jar target/ampfill.jar in the test's folder, as a user would, and returns what it printed. */
    private String runJarSucceeding(String... options) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(options));
        command.add("-jar");
        command.add(Path.of("target/ampfill.jar").toAbsolutePath().toString());
        return runSucceeding(command, Map.of());
    }

    /** Runs bin/ampfill in the test's folder with this JVM's java, and returns what it printed. */
    private String runLauncherSucceeding(Map<String, String> environment, String... options) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of("bin/ampfill").toAbsolutePath().toString());
        command.addAll(List.of(options));
        Map<String, String> env = new HashMap<>(environment);
        env.put("JAVA_HOME", System.getProperty("java.home"));
        return runSucceeding(command, env);
    }

    private String runSucceeding(List<String> command, Map<String, String> environment) throws Exception {
        return runExpecting(AmpfillApp.OK, command, environment);
    }

    private String runExpecting(int exitCode, List<String> command, Map<String, String> environment) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process run = builder.start();
        run.getOutputStream().close();
        String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(run.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(run.exitValue()).as(output).isEqualTo(exitCode);
        return output;
    }

    private Path copySamples() throws IOException {
        Path inbox = Files.createDirectories(work.resolve("samples/inbox"));
        try (Stream<Path> samples = Files.list(Path.of("samples/inbox"))) {
            for (Path sample : samples.toList()) {
                Files.copy(sample, inbox.resolve(sample.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        return inbox;
    }

    private static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> {
                try {
                    return p.getFileName() + ":" + Files.size(p) + ":" + Files.getLastModifiedTime(p).toMillis();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).sorted().toList();
        }
    }
}

package io.ampfill.cli;

import io.ampfill.emulator.AmplitudeEmulator;
import io.ampfill.emulator.EmulatorSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * validate and plan as a user runs them, through the command line, over a folder with bad lines and one device of
 * 1.2 million events: the rejects and the over-quota device are named, nothing is sent, the inbox is unchanged and no
 * position is saved.
 */
class ValidateAndPlanTest {
    static final String HEAVY = "heavy-device-0001";
    static final int HEAVY_EVENTS = 1_200_000;
    /** The heavy device's events: the first 200,000 sixty days old, the rest of the last week. */
    static final int HEAVY_OLD = 200_000;
    static final long NOW = System.currentTimeMillis();

    @TempDir
    static Path work;
    static Path inbox;
    static AmplitudeEmulator emulator;
    static Map<String, String> inboxBefore;

    @BeforeAll
    static void aFolderWithBadLinesAndOneHeavyDevice() throws Exception {
        inbox = Files.createDirectories(work.resolve("inbox"));
        writeHeavyDevice(inbox.resolve("02-heavy.ndjson.gz"));
        Files.writeString(inbox.resolve("01-small.ndjson"), String.join("\n",
                event("light-device-001", "user-0001", NOW - 1000),
                "{not json",
                event("light-device-002", null, NOW - 2000),
                "{\"event_type\":\"x\",\"device_id\":\"light-device-003\"}",
                event("unknown", "user-0002", NOW - 3000),
                event("light-device-001", "user-0001", NOW - 40L * 86_400_000)) + "\n");
        Files.writeString(inbox.resolve("notes.txt"), "not an input file");
        inboxBefore = digests(inbox);
        emulator = AmplitudeEmulator.start(new EmulatorSettings().keepEvents(false));
    }

    @AfterAll
    static void stopEmulator() {
        emulator.close();
    }

    /** Streamed, gzipped at the fastest level: about 2 s for 1.2 million lines. */
    static void writeHeavyDevice(Path file) throws IOException {
        long start = NOW - 7L * 86_400_000;
        long old = NOW - 60L * 86_400_000;
        try (OutputStream out = new BufferedOutputStream(new GZIPOutputStream(Files.newOutputStream(file), 1 << 16) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        }, 1 << 16)) {
            for (int i = 0; i < HEAVY_EVENTS; i++) {
                long time = i < HEAVY_OLD ? old + i : start + i;
                out.write(("{\"event_type\":\"Played\",\"device_id\":\"" + HEAVY + "\",\"user_id\":\"heavy-user-01\",\"time\":"
                        + time + ",\"insert_id\":\"h" + i + "\"}\n").getBytes(StandardCharsets.US_ASCII));
            }
        }
    }

    static String event(String device, String user, long time) {
        return "{\"event_type\":\"Viewed\",\"device_id\":\"" + device + "\""
                + (user == null ? "" : ",\"user_id\":\"" + user + "\"") + ",\"time\":" + time + "}";
    }

    record Outcome(int exitCode, String out, String err) {
    }

    static Outcome ampfill(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        // the test's settings first, as -D before the command: a test's own -D after it wins
        List<String> all = new ArrayList<>(List.of("-Damplitude.api-key=test-key-0123456789", "-Damplitude.endpoint=" + emulator.batchUrl(),
                "-Dbackfill.dead-letter-dir=" + work.resolve("dead-letter"), "-Dbackfill.done-dir=" + work.resolve("done"),
                "-Dbackfill.state.url=jdbc:h2:file:" + work.resolve("state/ampfill"), "-Dbackfill.spill-dir=" + work.resolve("spill")));
        all.addAll(List.of(args));
        int code = new AmpfillCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).execute(all.toArray(String[]::new));
        return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void validate_names_the_rejects_with_their_places_and_counts_devices_users_and_times() throws Exception {
        Outcome validate = ampfill("validate", inbox.toString());

        assertThat(validate.exitCode()).as(validate.err()).isEqualTo(SurveyRun.REJECTS);
        assertThat(validate.out()).contains("ampfill validate: " + inbox + " (2 files)")
                .containsPattern("records +1,200,006\n")
                .containsPattern("valid events +1,200,003\n")
                .containsPattern("rejected +3\n")
                .containsPattern("not valid JSON +1\n +at 01-small.ndjson:2\n")
                .containsPattern("missing field time.* +1\n +at 01-small.ndjson:4\n")
                .containsPattern("device_id \"…\" is a placeholder.* +1\n +at 01-small.ndjson:5\n")
                .containsPattern("devices +3 ")
                .containsPattern("users +2 ")
                .contains("time range").contains(Instant.ofEpochMilli(NOW - 60L * 86_400_000).toString());
        assertNothingSentMovedOrSaved();
        // the rejects where a run writes them, in a folder of validate's own
        Path rejects = work.resolve("dead-letter/validate/01-small.ndjson.rejected.ndjson");
        assertThat(Files.readAllLines(rejects)).hasSize(3).allMatch(l -> l.contains("\"source\":\"01-small.ndjson\""));
        assertThat(work.resolve("dead-letter/01-small.ndjson.rejected.ndjson")).doesNotExist();
    }

    @Test
    void plan_names_the_device_over_the_daily_quota_with_its_days_and_the_run_it_bounds() throws Exception {
        Outcome plan = ampfill("plan", inbox.toString());

        assertThat(plan.exitCode()).as(plan.err()).isEqualTo(SurveyRun.REJECTS);
        assertThat(plan.out()).contains("plan at 300 events/s per device")
                .containsPattern("heaviest devices .*\n +" + HEAVY + " +1,200,000 +2d 0h 11m\n")
                .containsPattern("heaviest users .*\n +heavy-user-01 +1,200,000 +2d 0h 11m\n")
                .containsPattern("over the daily quota \\(500,000\\) +2 ids")
                .containsPattern("device " + HEAVY + " +1,200,000 events: 3 days of sending")
                .containsPattern("user heavy-user-01 +1,200,000 events: 3 days of sending")
                .containsPattern("events 30 days old or older +200,001 ")
                .containsPattern("estimated duration +2d 0h 11m +bounded by the slowest device, " + HEAVY
                        + ": 1,200,000 events at 300 events/s, over 3 days of Amplitude's daily quota");
        assertNothingSentMovedOrSaved();
    }

    @Test
    void a_run_after_validate_writes_its_own_dead_letters_once() throws Exception {
        Path small = Files.createDirectories(work.resolve("small"));
        Files.copy(inbox.resolve("01-small.ndjson"), small.resolve("01-small.ndjson"));
        Files.setLastModifiedTime(small.resolve("01-small.ndjson"), java.nio.file.attribute.FileTime.from(Instant.now().minusSeconds(60)));
        Path deadLetters = work.resolve("run-dead-letter");

        assertThat(ampfill("validate", small.toString(), "-Dbackfill.dead-letter-dir=" + deadLetters).exitCode()).isEqualTo(3);
        Outcome run;
        try (AmplitudeEmulator amplitude = AmplitudeEmulator.start(new EmulatorSettings())) {
            run = ampfill("run", "--quiet", "-Dbackfill.inbox=" + small, "-Dbackfill.dead-letter-dir=" + deadLetters,
                    "-Dbackfill.file-min-age=0s", "-Damplitude.device-eps=0", "-Dbackfill.done-dir=" + work.resolve("small-done"),
                    "-Dbackfill.state.url=jdbc:h2:file:" + work.resolve("small-state/ampfill"),
                    "-Damplitude.endpoint=" + amplitude.batchUrl());
            assertThat(amplitude.ingestedCount()).isEqualTo(3);
        }

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).containsPattern("events delivered +3\n").containsPattern("dead-lettered +3\n");
        assertThat(Files.readAllLines(deadLetters.resolve("01-small.ndjson.rejected.ndjson"))).hasSize(3);
        assertThat(Files.readAllLines(deadLetters.resolve("validate/01-small.ndjson.rejected.ndjson"))).hasSize(3);
        // a second validate starts its folder afresh: the same three, not six
        assertThat(ampfill("validate", work.resolve("small-done").toString(), "-Dbackfill.dead-letter-dir=" + deadLetters)
                .exitCode()).isEqualTo(3);
        assertThat(Files.readAllLines(deadLetters.resolve("validate/01-small.ndjson.rejected.ndjson"))).hasSize(3);
    }

    @Test
    void a_clean_inbox_validates_with_exit_code_0() throws Exception {
        Path clean = Files.createDirectories(work.resolve("clean"));
        Files.writeString(clean.resolve("a.ndjson"), event("light-device-009", "user-0009", NOW) + "\n");

        Outcome validate = ampfill("validate", clean.toString());

        assertThat(validate.exitCode()).as(validate.out() + validate.err()).isZero();
        assertThat(validate.out()).containsPattern("rejected +0\n").doesNotContain("written to");
    }

    @Test
    void an_inbox_argument_with_the_database_source_is_refused_in_one_line() {
        Outcome validate = ampfill("validate", inbox.toString(), "-Dbackfill.source=jdbc");

        assertThat(validate.exitCode()).isEqualTo(2);
        assertThat(validate.err()).isEqualTo("ampfill: DIR: names an inbox, but backfill.source is jdbc: leave it out\n");
    }

    @Test
    void validate_reads_a_table_from_its_first_row_with_the_runs_mapping() throws Exception {
        String url = "jdbc:h2:file:" + work.resolve("source/events").toAbsolutePath();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url, "sa", "");
             java.sql.Statement sql = c.createStatement()) {
            sql.execute("CREATE TABLE events (id BIGINT PRIMARY KEY, device_id VARCHAR(40), event_type VARCHAR(40), happened BIGINT)");
            sql.execute("INSERT INTO events VALUES (1, 'table-device-1', 'Played', " + NOW + "), (2, 'null', 'Played', " + NOW
                    + "), (3, 'table-device-2', 'Played', NULL), (4, 'table-device-1', 'Played', " + (NOW + 1) + ")");
        }

        Outcome validate = ampfill("validate", "-Dbackfill.source=jdbc", "-Dbackfill.jdbc.url=" + url,
                "-Dbackfill.jdbc.user=sa", "-Dbackfill.jdbc.table=events", "-Dbackfill.map.time=happened");

        assertThat(validate.exitCode()).as(validate.err()).isEqualTo(SurveyRun.REJECTS);
        assertThat(validate.out()).contains("ampfill validate: the database source")
                .containsPattern("records +4\n").containsPattern("valid events +2\n")
                .containsPattern("device_id \"…\" is a placeholder.* +1\n +at table EVENTS:2\n")
                .containsPattern("time \\(column HAPPENED\\) is NULL +1\n +at table EVENTS, ID 3\n")
                .containsPattern("devices +1 ");
        assertThat(Files.readAllLines(work.resolve("dead-letter/validate/table EVENTS.rejected.ndjson"))).hasSize(2);
        assertNothingSentMovedOrSaved();
    }

    private static void assertNothingSentMovedOrSaved() throws Exception {
        assertThat(emulator.requestCount()).as("requests to Amplitude").isZero();
        assertThat(digests(inbox)).as("the inbox's files and their bytes").isEqualTo(inboxBefore);
        assertThat(work.resolve("done")).doesNotExist();
        assertThat(work.resolve("state")).as("the state store, where positions are saved").doesNotExist();
        assertThat(work.resolve("spill")).doesNotExist();
    }

    static Map<String, String> digests(Path folder) throws Exception {
        Map<String, String> digests = new TreeMap<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.toList()) {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                try (var in = new java.security.DigestInputStream(Files.newInputStream(file), sha)) {
                    in.transferTo(OutputStream.nullOutputStream());
                }
                digests.put(file.getFileName().toString(), HexFormat.of().formatHex(sha.digest()));
            }
        }
        return digests;
    }

}

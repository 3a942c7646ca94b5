package io.ampfill.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ampfill.emulator.AmplitudeEmulator;
import io.ampfill.emulator.EmulatorSettings;
import io.ampfill.report.RunReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** --report-json after a real run against the emulator: a pipeline asserts on the file, not on the printed text. */
class ReportJsonTest {
    @TempDir
    Path work;

    @Test
    void the_report_file_holds_every_figure_of_the_run_with_dead_letters_by_reason_and_by_file() throws Exception {
        Path inbox = Files.createDirectories(work.resolve("inbox"));
        StringBuilder clean = new StringBuilder();
        for (int i = 0; i < 500; i++) {
            clean.append("{\"event_type\":\"e\",\"device_id\":\"device-").append(1000 + i % 7)
                    .append("\",\"time\":1700000000000,\"insert_id\":\"c").append(i).append("\"}\n");
        }
        drop(inbox.resolve("a.ndjson"), clean.toString());
        drop(inbox.resolve("b.ndjson"), """
                {"event_type":"e","device_id":"device-2000","time":1700000000000}
                {oops
                {"event_type":"e","device_id":"device-2001"}
                {"event_type":"e","device_id":"device-2002","time":1700000000001}
                """);
        Path reportFile = work.resolve("reports/run.json");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AmpfillCommand command = new AmpfillCommand(new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        int exitCode;
        try (AmplitudeEmulator emulator = AmplitudeEmulator.start(new EmulatorSettings())) {
            exitCode = run(command, emulator, reportFile);
            assertThat(emulator.ingestedCount()).isEqualTo(502);
        }

        assertThat(exitCode).isZero();
        JsonNode json = new ObjectMapper().readTree(reportFile.toFile());
        RunReport report = command.app.lastReport();
        assertThat(json.get("dry_run").asBoolean()).isFalse();
        assertThat(json.get("mode").asText()).startsWith("sent to http://127.0.0.1:");
        assertThat(json.get("stopped_by").isNull()).isTrue();
        assertThat(json.get("files_completed").asLong()).isEqualTo(2);
        assertThat(json.get("files_not_read").asLong()).isZero();
        assertThat(json.get("records_to_read").isNull()).as("files are not counted ahead, only a table's rows").isTrue();
        assertThat(json.get("records_read").asLong()).isEqualTo(504);
        assertThat(json.get("events_delivered").asLong()).isEqualTo(502);
        assertThat(json.get("events_published").asLong()).as("only with backfill.sink=kafka").isZero();
        assertThat(json.get("dead_lettered").asLong()).isEqualTo(2);
        assertThat(new ObjectMapper().convertValue(json.get("dead_lettered_by_reason"), Map.class))
                .isEqualTo(Map.of("not valid JSON", 1, "missing field time (a backfilled event needs its real time)", 1));
        assertThat(new ObjectMapper().convertValue(json.get("dead_lettered_by_source"), Map.class)).isEqualTo(Map.of("b.ndjson", 2));
        assertThat(json.get("requests").asLong()).isEqualTo(report.requests()).isPositive();
        assertThat(json.get("events_sent").asLong()).isEqualTo(502);
        assertThat(json.get("events_per_request").asDouble()).isEqualTo(502.0 / report.requests());
        assertThat(json.get("retries").asLong()).isZero();
        assertThat(json.get("retries_by_cause").size()).isZero();
        assertThat(json.get("waited_on_disk").asLong()).isZero();
        assertThat(json.get("strings_over_1024_chars").asLong()).isZero();
        assertThat(json.get("elapsed_seconds").asDouble()).isEqualTo(report.elapsed().toNanos() / 1e9);
        assertThat(json.get("events_per_second").asDouble()).isPositive();
        // the same figures as the printed report
        assertThat(out.toString(StandardCharsets.UTF_8)).containsPattern("records read +504\n")
                .containsPattern("events delivered +502\n").containsPattern("dead-lettered +2\n");
        assertThat(Files.readString(reportFile)).doesNotContain("test-key-0123456789");
    }

    @Test
    void the_report_of_a_table_holds_the_rows_it_had_to_read() throws Exception {
        String url = "jdbc:h2:file:" + work.resolve("source/app").toAbsolutePath();
        try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement statement = c.createStatement()) {
            statement.execute("CREATE TABLE events (id BIGINT PRIMARY KEY, device_id VARCHAR(40), event_type VARCHAR(40), time BIGINT)");
            statement.execute("INSERT INTO events SELECT x, 'device-' || CAST(MOD(x, 50) AS VARCHAR), 'Played', 1700000000000 + x"
                    + " FROM SYSTEM_RANGE(1, 3000)");
        }
        Path reportFile = work.resolve("table.json");
        AmpfillCommand command = new AmpfillCommand(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                System.err);
        try (AmplitudeEmulator emulator = AmplitudeEmulator.start(new EmulatorSettings())) {
            assertThat(run(command, emulator, reportFile, "-Dbackfill.source=jdbc", "-Dbackfill.jdbc.url=" + url,
                    "-Dbackfill.jdbc.user=sa", "-Dbackfill.jdbc.table=events")).isZero();
        }

        JsonNode json = new ObjectMapper().readTree(reportFile.toFile());
        assertThat(json.get("records_to_read").asLong()).isEqualTo(3000);
        assertThat(json.get("records_read").asLong()).isEqualTo(3000);
        assertThat(command.app.lastReport().recordsKnown()).isEqualTo(3000);
    }

    /** A quiet run against the emulator, its report written to reportFile, its folders (the inbox too) the test's own. */
    private int run(AmpfillCommand command, AmplitudeEmulator emulator, Path reportFile, String... settings) {
        List<String> args = new ArrayList<>(List.of("run", "--quiet", "--report-json", reportFile.toString(),
                "-Damplitude.api-key=test-key-0123456789", "-Damplitude.endpoint=" + emulator.batchUrl(), "-Damplitude.device-eps=0",
                "-Dbackfill.inbox=" + work.resolve("inbox"), "-Dbackfill.file-min-age=0s",
                "-Dbackfill.dead-letter-dir=" + work.resolve("dead-letter"), "-Dbackfill.done-dir=" + work.resolve("done"),
                "-Dbackfill.state.url=jdbc:h2:file:" + work.resolve("state/ampfill"), "-Dbackfill.spill-dir=" + work.resolve("spill")));
        args.addAll(List.of(settings));
        return command.execute(args.toArray(String[]::new));
    }

    @Test
    void a_report_file_that_names_a_folder_is_refused_at_start() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exitCode = new AmpfillCommand(System.out, new PrintStream(err, true, StandardCharsets.UTF_8))
                .execute("--report-json", work.toString(), "-Dbackfill.inbox=" + work.resolve("inbox"));

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .isEqualTo("ampfill: backfill.report-file: is a folder; it names the file the report is written to\n");
    }

    private static void drop(Path file, String content) throws Exception {
        Files.writeString(file, content);
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(60)));
    }
}

package io.ampfill.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The run report as JSON (backfill.report-file, --report-json), so a pipeline can assert on it: every figure of the
 * printed report, plus the dead letters by reason and by source file. Names are snake_case, counts whole numbers.
 */
public final class RunReportJson {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private RunReportJson() {
    }

    /**
     * @param mode  what the printed report's title says: a dry run, or where the events were sent
     * @param fatal the line that says why the run stopped, or null
     */
    public static Map<String, Object> of(RunReport report, boolean dryRun, String mode, String fatal) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("mode", mode);
        json.put("dry_run", dryRun);
        json.put("stopped_by", fatal);
        json.put("files_completed", report.filesCompleted());
        json.put("files_not_read", report.filesNotRead());
        json.put("source", report.sourceLines()); // a Kafka source's partitions and lag, as printed
        // the rows a table had to read, counted at the start; null where the source counts none (files, Kafka)
        json.put("records_to_read", report.recordsKnown() < 0 ? null : report.recordsKnown());
        json.put("records_read", report.recordsRead());
        json.put("events_delivered", report.delivered());
        // backfill.sink=kafka: the events Kafka acknowledged (what the printed report says instead of delivered)
        json.put("events_published", report.published());
        json.put("dead_lettered", report.deadLettered());
        json.put("dead_lettered_by_reason", report.deadLetteredByReason());
        json.put("dead_lettered_by_source", report.deadLetteredBySource());
        json.put("requests", report.requests());
        json.put("events_sent", report.eventsSent());
        json.put("events_per_request", report.requests() == 0 ? 0.0 : (double) report.eventsSent() / report.requests());
        json.put("retries", report.retries());
        json.put("retries_by_cause", report.retriesByCause());
        json.put("waited_on_disk", report.waitedOnDisk());
        json.put("strings_over_1024_chars", report.longStrings());
        json.put("elapsed_seconds", report.elapsed().toNanos() / 1e9);
        json.put("events_per_second", report.eventsPerSecond()); // of the events delivered, or published
        return json;
    }

    /** Writes the JSON to {@code file} whole: into a file beside it, then renamed over it. */
    public static void write(Path file, Map<String, Object> json) throws IOException {
        Path absolute = file.toAbsolutePath();
        Path folder = absolute.getParent();
        Files.createDirectories(folder);
        Path partial = folder.resolve("." + absolute.getFileName() + ".partial");
        JSON.writeValue(partial.toFile(), json);
        Files.move(partial, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}

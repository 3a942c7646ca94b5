package io.ampfill.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ampfill.emulator.AmplitudeEmulator;
import io.ampfill.emulator.EmulatorSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.ampfill.e2e.Events.assertDeliveredInOrder;
import static io.ampfill.e2e.FileBackfillTest.files;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A dead-letter folder on a disk that fills up: a real file system of 64 KB (a tmpfs, mounted as root; skipped where
 * it cannot be) under the run's dead-letter folder.
 */
class FullDeadLetterDiskTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int DEVICES = 20;
    private static final int PER_DEVICE = 100;
    /** Every fourth line is bad: 667 dead letters of about 300 bytes, three times what the disk holds. */
    private static final int BAD_EVERY = 4;

    @TempDir
    Path work;
    AmplitudeEmulator emulator;
    Path mounted;

    @BeforeEach
    void mountSmallDisk() throws Exception {
        mounted = Files.createDirectories(work.resolve("dead-letter"));
        String output = run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mounted.toString());
        assumeTrue(output == null, "cannot mount a 64 KB tmpfs for the dead-letter folder here (it takes root): skipped. " + output);
        emulator = AmplitudeEmulator.start(new EmulatorSettings());
    }

    @AfterEach
    void unmount() throws Exception {
        if (emulator != null) {
            emulator.close();
            run("umount", "--lazy", mounted.toString()); // lazy: a run that failed may still hold a file there
        }
    }

    @Test
    void a_full_disk_stops_the_run_with_one_line_and_the_report_and_the_next_run_writes_each_dead_letter_once() throws Exception {
        Backfill backfill = new Backfill(work, emulator);
        List<Integer> badLines = dropMixedFile(backfill);

        assertThat(backfill.run()).isEqualTo(1);

        List<String> stopped = backfill.err.lines().filter(l -> l.startsWith("ampfill: stopped")).toList();
        assertThat(stopped).containsExactly("ampfill: stopped: cannot write dead letters to " + backfill.deadLetters
                + ": No space left on device; the next run resumes where this one stopped");
        assertThat(backfill.out).contains("ampfill report");
        assertThat(backfill.out + backfill.err).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(files(backfill.inbox)).containsExactly("mixed.ndjson");
        assertThat(files(backfill.done)).isEmpty();
        List<Integer> kept = deadLetterLines(backfill);
        assertThat(badLines).containsAll(kept);
        assertThat(backfill.report.deadLettered()).as("the report counts what the folder keeps").isEqualTo(kept.size());

        assertThat(run("mount", "-o", "remount,size=1m", mounted.toString())).isNull();
        Backfill rerun = new Backfill(work, emulator);
        assertThat(rerun.run()).as(rerun.err).isZero();

        assertThat(deadLetterLines(rerun)).as("each bad line once, across the two runs").containsExactlyElementsOf(badLines);
        assertDeliveredInOrder(emulator, DEVICES, PER_DEVICE);
        assertThat(files(rerun.done)).containsExactly("mixed.ndjson");
    }

    /** The line numbers the dead letters name, in the file's order; the file must hold whole lines only. */
    private static List<Integer> deadLetterLines(Backfill backfill) throws IOException {
        Path file = backfill.deadLetters.resolve("mixed.ndjson.rejected.ndjson");
        if (!Files.exists(file)) {
            return List.of();
        }
        byte[] written = Files.readAllBytes(file);
        assertThat(written).as("an empty dead-letter file is not left behind").isNotEmpty();
        assertThat(written[written.length - 1]).as("the file ends with a whole line").isEqualTo((byte) '\n');
        List<Integer> lines = new ArrayList<>();
        for (String line : new String(written, StandardCharsets.UTF_8).split("\n")) {
            lines.add(JSON.readTree(line).path("line").asInt());
        }
        return lines;
    }

    /** Events of DEVICES devices in time order, every BAD_EVERY-th line a bad one; returns the bad lines' numbers. */
    static List<Integer> dropMixedFile(Backfill backfill) throws IOException {
        StringBuilder file = new StringBuilder();
        List<Integer> badLines = new ArrayList<>();
        int lineNumber = 0;
        for (int seq = 0; seq < PER_DEVICE; seq++) {
            for (int d = 0; d < DEVICES; d++) {
                if (++lineNumber % BAD_EVERY == 0) {
                    file.append("{not json, line ").append(lineNumber).append(' ').append("x".repeat(200)).append('\n');
                    badLines.add(lineNumber++);
                }
                file.append(Events.ndjsonLine(d, seq)).append('\n');
            }
        }
        backfill.drop("mixed.ndjson", file.toString());
        return badLines;
    }

    /** Runs a command; null if it succeeded, else what it printed. */
    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return p.waitFor() == 0 ? null : String.join(" ", command) + ": " + output.strip();
    }
}

package io.ampfill.e2e;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs stopped in the middle of files (kill -9, SIGTERM) and run again write each rejected record to the dead-letter
 * folder once: records rejected as they are read, ahead of the saved position, and events Amplitude refuses (a device
 * it has silenced, answered 400), written out of source order. The packaged jar runs in a child JVM.
 */
class DeadLettersAcrossRunsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int DEVICES = 500;
    private static final int PER_DEVICE = 40;
    private static final int SILENCED = 3;
    private static final int BAD_EVERY = 25;
    private static final List<String> FILES = List.of("hour-00.ndjson", "hour-01.ndjson");

    @TempDir
    Path work;
    AmplitudeEmulator emulator;
    Path inbox;
    final Map<String, String> settings = new HashMap<>();
    /** Per file, the line numbers of its bad lines. */
    final Map<String, List<Integer>> badLines = new HashMap<>();

    @BeforeEach
    void prepare() throws IOException {
        emulator = AmplitudeEmulator.start(new EmulatorSettings().silencedDevices(Events.device(SILENCED)));
        inbox = Files.createDirectories(work.resolve("data/inbox"));
        List<String> parts = Events.timeOrderedFiles(DEVICES, PER_DEVICE, FILES.size());
        for (int f = 0; f < FILES.size(); f++) {
            StringBuilder text = new StringBuilder();
            List<Integer> bad = new ArrayList<>();
            int line = 0;
            for (String event : parts.get(f).split("\n")) {
                text.append(event).append('\n');
                if (++line % BAD_EVERY == 0) {
                    text.append("{\"event_type\":\"Played Song\",\"device_id\":\"n/a\",\"time\":1700000000000}\n");
                    bad.add(++line);
                }
            }
            Path file = inbox.resolve(FILES.get(f));
            Files.writeString(file, text, StandardCharsets.UTF_8);
            Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(60)));
            badLines.put(FILES.get(f), bad);
        }
        settings.putAll(ChildRun.settings(emulator, 20, 4000));
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    @Test
    void after_three_kill_9s_each_rejected_record_is_dead_lettered_once() throws Exception {
        Random moments = new Random(14);
        for (int kill = 0; kill < 3; kill++) {
            Process run = ChildRun.start(work, settings);
            long target = emulator.ingestedCount() + 500 + moments.nextInt(4_000);
            assertThat(ChildRun.runsUntilIngested(run, emulator, target)).as("still running at kill %d%n%s", kill, ChildRun.logs(work)).isTrue();
            run.destroyForcibly();
            assertThat(run.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        finishAndAssertEachRejectedOnce();
    }

    @Test
    void after_a_sigterm_that_leaves_read_events_undelivered_each_rejected_record_is_dead_lettered_once() throws Exception {
        settings.put("amplitude.device-eps", "5");
        settings.put("backfill.shutdown-timeout", "1s"); // too short to deliver what was read: the position stays behind
        Process run = ChildRun.start(work, settings);
        assertThat(ChildRun.runsUntilIngested(run, emulator, 2_000)).as("still running when stopped%n%s", ChildRun.logs(work)).isTrue();
        run.destroy();
        assertThat(ChildRun.finishes(run, work, 60)).as("stops after SIGTERM%n%s", ChildRun.logs(work)).isTrue();
        assertThat(Files.exists(inbox.resolve(FILES.get(0)))).as("stopped mid-file").isTrue();

        settings.put("amplitude.device-eps", "0");
        finishAndAssertEachRejectedOnce();
    }

    private void finishAndAssertEachRejectedOnce() throws Exception {
        Process last = ChildRun.start(work, settings);
        assertThat(ChildRun.finishes(last, work, 120)).as("last run ends%n%s", ChildRun.logs(work)).isTrue();
        assertThat(last.exitValue()).as(ChildRun.logs(work)).isZero();

        for (int d = 0; d < DEVICES; d++) {
            List<Integer> seqs = Events.seqs(emulator, Events.device(d));
            assertThat(seqs).as(Events.device(d)).hasSize(d == SILENCED ? 0 : PER_DEVICE).isSorted();
        }
        List<Integer> silencedSeqs = new ArrayList<>();
        for (String file : FILES) {
            List<Integer> readTime = new ArrayList<>();
            for (JsonNode rejected : deadLetters(file)) {
                if (rejected.has("raw") || rejected.path("record").path("device_id").asText().equals("n/a")) {
                    readTime.add(rejected.path("line").asInt());
                } else {
                    assertThat(rejected.path("record").path("device_id").asText()).isEqualTo(Events.device(SILENCED));
                    silencedSeqs.add(rejected.path("record").path("event_properties").path("seq").asInt());
                }
            }
            assertThat(readTime).as("%s: each bad line once", file).containsExactlyInAnyOrderElementsOf(badLines.get(file));
        }
        assertThat(silencedSeqs).as("each refused event once").containsExactlyInAnyOrderElementsOf(
                java.util.stream.IntStream.range(0, PER_DEVICE).boxed().toList());
        System.out.printf("dead letters once each after the stops: %d bad lines, %d refused events; %d events resent%n",
                badLines.values().stream().mapToInt(List::size).sum(), silencedSeqs.size(), emulator.duplicateCount());
    }

    private List<JsonNode> deadLetters(String file) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        Path path = work.resolve("data/dead-letter").resolve(file + ".rejected.ndjson");
        for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
            lines.add(JSON.readTree(line));
        }
        return lines;
    }
}

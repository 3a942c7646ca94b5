package io.ampfill.e2e;

import io.ampfill.emulator.AmplitudeEmulator;
import io.ampfill.emulator.EmulatorSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a restart sends again after a SIGTERM that found a device paused for its daily quota: a file's position is the
 * first record not yet acknowledged or dead-lettered, so every record after the paused device's first waiting event
 * that was delivered anyway (the other devices' ones) is sent again, once, and no record before it is. The packaged
 * jar runs in a child JVM; the emulator, in this one, counts the copies.
 */
class ResumeAfterPauseIT {
    private static final int HEAVY = 0;
    private static final int HEAVY_EVENTS = 500;
    private static final int LIGHT_DEVICES = 200;
    private static final int LIGHT_EVENTS = 20;
    /** The heavy device's daily quota: about half its events go through before it is paused. */
    private static final int QUOTA = 250;

    @TempDir
    Path work;
    AmplitudeEmulator emulator;

    @AfterEach
    void stop() {
        if (emulator != null) {
            emulator.close();
        }
    }

    @Test
    void a_restart_sends_again_exactly_the_delivered_records_after_the_paused_devices_first_waiting_event() throws Exception {
        // a short quota window: by the restart the heavy device's quota has freed at the emulator
        emulator = AmplitudeEmulator.start(new EmulatorSettings().dailyQuota(QUOTA).quotaWindow(Duration.ofSeconds(6)));
        List<int[]> lines = heavyDeviceSpreadOverTheFile();
        Path inbox = Files.createDirectories(work.resolve("data/inbox"));
        StringBuilder file = new StringBuilder();
        for (int[] line : lines) {
            file.append(Events.ndjsonLine(line[0], line[1])).append('\n');
        }
        Files.writeString(inbox.resolve("events.ndjson"), file, StandardCharsets.UTF_8);
        Map<String, String> settings = new HashMap<>();
        settings.put("amplitude.api-key", "pause-test-key-0123456789");
        settings.put("amplitude.endpoint", emulator.batchUrl());
        settings.put("amplitude.device-eps", "0");
        settings.put("amplitude.max-events-per-request", "100"); // batches under the quota: some go through first
        settings.put("amplitude.quota-pause", "10m"); // the heavy device stays paused until the stop
        settings.put("backfill.shutdown-timeout", "2s");
        settings.put("backfill.file-min-age", "0s");
        settings.put("backfill.poll-delay", "100ms");

        Process run = ChildRun.start(work, settings);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!(emulator.answerCounts().containsKey(429) && ingested() - heavyIngested() == (long) LIGHT_DEVICES * LIGHT_EVENTS)) {
            assertThat(System.nanoTime()).as("the light devices delivered and the heavy one paused%n%s", logs()).isLessThan(deadline);
            Thread.sleep(20);
        }
        run.destroy(); // SIGTERM: the heavy device is paused for ten minutes, the stop waits 2 s for it
        assertThat(ChildRun.finishes(run, work, 60)).as(logs()).isTrue();
        long heavyDelivered = heavyIngested();
        int position = positionOf(lines, HEAVY, (int) heavyDelivered); // its first waiting event
        long deliveredAfterPosition = lines.subList(position, lines.size()).stream().filter(l -> l[0] != HEAVY).count();

        settings.put("amplitude.quota-pause", "200ms");
        Process rerun = ChildRun.start(work, settings);
        assertThat(ChildRun.finishes(rerun, work, 120)).as(logs()).isTrue();
        assertThat(rerun.exitValue()).as(logs()).isZero();

        assertThat(Events.seqs(emulator, Events.device(HEAVY))).as("the heavy device's events, once, in order")
                .containsExactlyElementsOf(range(HEAVY_EVENTS));
        for (int d = 1; d <= LIGHT_DEVICES; d++) {
            assertThat(Events.seqs(emulator, Events.device(d))).as(Events.device(d)).containsExactlyElementsOf(range(LIGHT_EVENTS));
        }
        System.out.printf("SIGTERM with %s paused after %d of its %d events, at line %d of %d: the restart sent %d again"
                        + " (the other devices' delivered records after that line: %d)%n", Events.device(HEAVY), heavyDelivered,
                HEAVY_EVENTS, position + 1, lines.size(), emulator.duplicateCount(), deliveredAfterPosition);
        assertThat(heavyDelivered).isLessThan(HEAVY_EVENTS);
        assertThat(emulator.duplicateCount()).as("sent again").isEqualTo(deliveredAfterPosition);
    }

    /** 200 light devices of 20 events each in time order, with the heavy device's events on every ninth line. */
    private static List<int[]> heavyDeviceSpreadOverTheFile() {
        List<int[]> lines = new ArrayList<>();
        int heavySeq = 0;
        for (int seq = 0; seq < LIGHT_EVENTS; seq++) {
            for (int d = 1; d <= LIGHT_DEVICES; d++) {
                if (lines.size() % 9 == 0 && heavySeq < HEAVY_EVENTS) {
                    lines.add(new int[]{HEAVY, heavySeq++});
                }
                lines.add(new int[]{d, seq});
            }
        }
        while (heavySeq < HEAVY_EVENTS) {
            lines.add(new int[]{HEAVY, heavySeq++});
        }
        return lines;
    }

    /** The index of a device's n-th event (from 0) among the lines. */
    private static int positionOf(List<int[]> lines, int device, int n) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i)[0] == device && lines.get(i)[1] == n) {
                return i;
            }
        }
        throw new AssertionError("no event " + n + " of device " + device);
    }

    private long ingested() {
        return emulator.ingestedCount();
    }

    private long heavyIngested() {
        return emulator.ingestedCount(Events.device(HEAVY)).orElse(0);
    }

    private static List<Integer> range(int n) {
        return java.util.stream.IntStream.range(0, n).boxed().toList();
    }

    private String logs() throws IOException {
        return ChildRun.logs(work);
    }
}

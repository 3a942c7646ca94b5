package io.ampfill.e2e;

import io.ampfill.emulator.AmplitudeEmulator;
import io.ampfill.emulator.EmulatorSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import static io.ampfill.e2e.Events.assertDeliveredInOrder;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * 50,000 events of 500 devices while the server misbehaves: every event is ingested exactly once by
 * insert_id and in order per device. The fault-free run beside it gives the figure to compare with.
 */
class SoakTest {
    private static final int DEVICES = 500;
    private static final int PER_DEVICE = 100;

    @TempDir
    Path work;

    @Test
    void delivers_everything_once_and_in_order_through_resets_503s_500s_after_ingest_and_slow_answers() throws IOException {
        EmulatorSettings faulty = new EmulatorSettings()
                .resetRate(0.03).status503Rate(0.05).status500AfterIngestRate(0.03)
                .slowRate(0.01).slowDelay(Duration.ofMillis(1500)).seed(20261129);
        Backfill soak = runOver(faulty, work.resolve("soak"), "1s");

        assertThat(soak.report.retriesByCause()).containsKeys("503", "500", "connection error");
    }

    @Test
    void the_same_load_without_faults() throws IOException {
        runOver(new EmulatorSettings(), work.resolve("clean"), "180s");
    }

    private Backfill runOver(EmulatorSettings settings, Path dir, String responseTimeout) throws IOException {
        try (AmplitudeEmulator emulator = AmplitudeEmulator.start(settings)) {
            Backfill backfill = new Backfill(dir, emulator)
                    .set("amplitude.retry.base", "20ms")
                    .set("amplitude.retry.max-backoff", "500ms")
                    .set("amplitude.response-timeout", responseTimeout)
                    // smaller requests than the default so that the faults hit many of them
                    .set("amplitude.max-events-per-request", "500");
            List<String> parts = Events.timeOrderedFiles(DEVICES, PER_DEVICE, 5);
            for (int i = 0; i < parts.size(); i++) {
                backfill.drop(String.format("part-%02d.ndjson", i), parts.get(i));
            }

            assertThat(backfill.run()).as(backfill.err).isZero();

            assertDeliveredInOrder(emulator, DEVICES, PER_DEVICE);
            emulator.ingestedInsertIdsByDevice().forEach((device, ids) ->
                    assertThat(ids).as(device).doesNotHaveDuplicates());
            assertThat(backfill.report.deadLettered()).isZero();
            System.out.printf(Locale.ROOT, "%s: %d events in %.2f s = %.0f events/s, %d requests, answers %s, duplicates dropped %d%n",
                    dir.getFileName(), emulator.ingestedCount(), backfill.report.elapsed().toMillis() / 1000.0,
                    emulator.ingestedCount() / (backfill.report.elapsed().toMillis() / 1000.0),
                    emulator.requestCount(), emulator.answerCounts(), emulator.duplicateCount());
            return backfill;
        }
    }
}

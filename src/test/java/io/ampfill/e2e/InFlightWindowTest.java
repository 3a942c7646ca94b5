package io.ampfill.e2e;

import io.ampfill.emulator.AmplitudeEmulator;
import io.ampfill.emulator.EmulatorSettings;
import io.ampfill.emulator.Fault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static io.ampfill.e2e.Events.assertDeliveredInOrder;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * backfill.max-in-flight-bytes: large events are read no further ahead than the byte window, so memory stays
 * flat whatever their size. A request only carries events in flight, so no request can be larger than the window.
 */
class InFlightWindowTest {
    private static final int DEVICES = 30;
    private static final int PER_DEVICE = 10;
    private static final int PADDING = 20_000;
    private static final int WINDOW = 256 * 1024;

    @TempDir
    Path work;
    private AmplitudeEmulator emulator;

    @BeforeEach
    void startEmulator() {
        emulator = AmplitudeEmulator.start(new EmulatorSettings());
    }

    @AfterEach
    void stopEmulator() {
        emulator.close();
    }

    @Test
    void large_events_stay_within_the_byte_window_and_all_arrive_once_in_order() throws IOException {
        Backfill backfill = new Backfill(work, emulator)
                .set("backfill.max-in-flight-bytes", String.valueOf(WINDOW))
                .set("backfill.chunk-size", "4");
        List<String> parts = Events.timeOrderedFiles(DEVICES, PER_DEVICE, 1);
        String padding = "x".repeat(PADDING);
        // the first answers are slow, so every sender is busy while reading goes on: without the window the lanes
        // would fill with the whole file and the next requests would carry megabytes
        for (int i = 0; i < 8; i++) {
            emulator.script(Fault.slow(Duration.ofMillis(700)));
        }
        backfill.drop("big-events.ndjson", parts.get(0).replace("{\"seq\":", "{\"padding\":\"" + padding + "\",\"seq\":"));

        assertThat(backfill.run()).as(backfill.err).isZero();

        assertDeliveredInOrder(emulator, DEVICES, PER_DEVICE);
        // 300 events of 20 KB: 6 MB read through a 256 KB window
        assertThat(emulator.largestRequestBytes()).isPositive().isLessThanOrEqualTo(WINDOW + 4096);
    }

    @Test
    void an_event_larger_than_the_window_still_goes_through() throws IOException {
        Backfill backfill = new Backfill(work, emulator)
                .set("backfill.max-in-flight-bytes", "1000")
                .set("backfill.chunk-size", "1");
        List<String> parts = Events.timeOrderedFiles(2, 3, 1);
        backfill.drop("events.ndjson", parts.get(0).replace("{\"seq\":", "{\"padding\":\"" + "y".repeat(5000) + "\",\"seq\":"));

        assertThat(backfill.run()).as(backfill.err).isZero();

        assertDeliveredInOrder(emulator, 2, 3);
    }
}

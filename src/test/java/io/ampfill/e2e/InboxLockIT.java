package io.ampfill.e2e;

import io.ampfill.emulator.AmplitudeEmulator;
import io.ampfill.emulator.EmulatorSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.ampfill.e2e.Events.assertDeliveredInOrder;
import static io.ampfill.e2e.FileBackfillTest.files;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two processes of the packaged jar on one inbox, from different working folders (so with state stores of their
 * own): the second refuses at start, the first delivers everything once. A run killed with kill -9 leaves no lock.
 */
class InboxLockIT {
    private static final int DEVICES = 1000;
    private static final int PER_DEVICE = 50;

    @TempDir
    Path work;
    AmplitudeEmulator emulator;
    Path inbox;
    Map<String, String> settings;

    @BeforeEach
    void prepare() throws IOException {
        emulator = AmplitudeEmulator.start(new EmulatorSettings());
        inbox = Events.hourlyFiles(work.resolve("inbox"), DEVICES, PER_DEVICE, 5);
        settings = ChildRun.sendingTo(emulator);
        settings.put("backfill.inbox", inbox.toString());
        // slow enough per device (about 10 s for 50 events) that the second run starts while the first is delivering, even
        // when a loaded machine takes seconds to start a JVM
        settings.put("amplitude.device-eps", "5");
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    @Test
    void a_second_process_on_the_inbox_refuses_at_start_and_the_first_delivers_every_event_once() throws Exception {
        Path firstDir = Files.createDirectories(work.resolve("first"));
        Path secondDir = Files.createDirectories(work.resolve("second"));
        Process first = ChildRun.start(firstDir, settings);
        assertThat(ChildRun.runsUntilIngested(first, emulator, 1_000)).as("the first run is delivering%n%s", ChildRun.logs(firstDir)).isTrue();

        Process second = ChildRun.start(secondDir, settings);
        assertThat(ChildRun.finishes(second, secondDir, 60)).as("the second run ends at once%n%s", ChildRun.logs(secondDir)).isTrue();
        assertThat(second.exitValue()).as(ChildRun.logs(secondDir)).isEqualTo(2);
        assertThat(ChildRun.logs(secondDir)).contains("ampfill: another ampfill run is reading the inbox " + inbox + " (process "
                + first.pid());
        assertThat(first.isAlive()).as("the second run refused while the first was still delivering").isTrue();

        assertThat(ChildRun.finishes(first, firstDir, 120)).as("the first run ends%n%s", ChildRun.logs(firstDir)).isTrue();
        assertThat(first.exitValue()).as(ChildRun.logs(firstDir)).isZero();
        assertDeliveredInOrder(emulator, DEVICES, PER_DEVICE);
        assertThat(emulator.duplicateCount()).isZero();
        assertThat(files(inbox)).isEmpty();
        assertThat(files(firstDir.resolve("data/done"))).hasSize(5);
        assertThat(secondDir.resolve("data/done")).doesNotExist();
    }

    @Test
    void a_run_killed_with_kill_9_leaves_no_lock_behind() throws Exception {
        Path killedDir = Files.createDirectories(work.resolve("killed"));
        Process killed = ChildRun.start(killedDir, settings);
        assertThat(ChildRun.runsUntilIngested(killed, emulator, 1_000)).as("the run is delivering%n%s", ChildRun.logs(killedDir)).isTrue();
        killed.destroyForcibly();
        assertThat(killed.waitFor(30, TimeUnit.SECONDS)).isTrue();

        // at once, from another folder: nothing to wait for, nothing to clean up
        Path nextDir = Files.createDirectories(work.resolve("next"));
        Process next = ChildRun.start(nextDir, settings);
        assertThat(ChildRun.finishes(next, nextDir, 120)).as("the next run ends%n%s", ChildRun.logs(nextDir)).isTrue();
        assertThat(next.exitValue()).as(ChildRun.logs(nextDir)).isZero();
        assertDeliveredInOrder(emulator, DEVICES, PER_DEVICE);
        assertThat(files(inbox)).isEmpty();
    }
}

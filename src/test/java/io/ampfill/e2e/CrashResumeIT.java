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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static io.ampfill.e2e.Events.assertDeliveredInOrder;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run killed at any moment and started again ends with every event in Amplitude once, in order per
 * device, having resent only what was in flight. The packaged jar runs in a child JVM; the emulator,
 * in this one, sees every attempt.
 */
class CrashResumeIT {
    private static final int DEVICES = 1000;
    private static final int PER_DEVICE = 100;
    private static final int WINDOW = 10_000;
    private static final int SIGTERM_EXIT = 143;
    private static final String STOPPING_LINE =
            "ampfill: stopping: delivering what was read, up to 30s; press Ctrl-C again to stop now";

    @TempDir
    Path work;
    AmplitudeEmulator emulator;
    Path inbox;
    Map<String, String> settings = new HashMap<>();

    @BeforeEach
    void prepare() throws IOException {
        emulator = AmplitudeEmulator.start(new EmulatorSettings());
        inbox = Events.hourlyFiles(work.resolve("data/inbox"), DEVICES, PER_DEVICE, 5);
        settings.putAll(ChildRun.settings(emulator, 40, WINDOW));
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    @Test
    void three_kill_9s_at_random_moments_lose_nothing_and_double_nothing() throws Exception {
        Random moments = new Random(4);
        int kills = 0;
        while (kills < 3) {
            Process run = ChildRun.start(work, settings);
            // a random moment while events are flowing: after 1,000 to 20,000 more have arrived, however fast the machine is
            long target = emulator.ingestedCount() + 1_000 + moments.nextInt(19_000);
            if (!ChildRun.runsUntilIngested(run, emulator, target)) {
                break; // it finished before the kill: nothing left to interrupt
            }
            long before = emulator.ingestedCount();
            run.destroyForcibly(); // SIGKILL: no shutdown hook, no last checkpoint
            assertThat(run.waitFor(30, TimeUnit.SECONDS)).isTrue();
            kills++;
            System.out.printf("kill %d: %d of %d events ingested, %d resent so far%n",
                    kills, before, DEVICES * PER_DEVICE, emulator.duplicateCount());
        }
        assertThat(kills).as("the run was killed three times before it could finish").isEqualTo(3);

        Process last = ChildRun.start(work, settings);
        assertThat(ChildRun.finishes(last, work, 120)).as("last run ends%n%s", ChildRun.logs(work)).isTrue();
        assertThat(last.exitValue()).as(ChildRun.logs(work)).isZero();

        assertDeliveredInOrder(emulator, DEVICES, PER_DEVICE);
        long resent = emulator.duplicateCount();
        System.out.printf("after 3 kills: %d events ingested once, %d resent (bound: %d per kill)%n",
                emulator.ingestedCount(), resent, 2 * WINDOW);
        // a kill loses at most the in-flight window, plus what settled since the last checkpoint
        assertThat(resent).isLessThanOrEqualTo(3L * 2 * WINDOW);
        assertThat(names(inbox)).isEmpty();
        assertThat(names(work.resolve("data/done"))).hasSize(5);
    }

    @Test
    void after_a_sigterm_the_restart_resends_nothing() throws Exception {
        Process run = ChildRun.start(work, settings);
        assertThat(ChildRun.runsUntilIngested(run, emulator, 15_000)).as("still running when stopped").isTrue();
        run.destroy(); // SIGTERM: stop reading, deliver what was read, checkpoint, exit
        assertThat(ChildRun.finishes(run, work, 60)).as("stops after SIGTERM%n%s", logs()).isTrue();
        assertThat(run.exitValue()).as(logs()).isEqualTo(SIGTERM_EXIT);
        assertThat(logs().lines().filter(STOPPING_LINE::equals)).as(logs()).hasSize(1);
        long afterStop = emulator.ingestedCount();
        assertThat(afterStop).isLessThan((long) DEVICES * PER_DEVICE);
        assertThat(emulator.duplicateCount()).isZero();

        Process restart = ChildRun.start(work, settings);
        assertThat(ChildRun.finishes(restart, work, 120)).as("restart ends%n%s", ChildRun.logs(work)).isTrue();
        assertThat(restart.exitValue()).as(ChildRun.logs(work)).isZero();

        assertDeliveredInOrder(emulator, DEVICES, PER_DEVICE);
        System.out.printf("sigterm after %d events; restart resent %d%n", afterStop, emulator.duplicateCount());
        assertThat(emulator.duplicateCount()).as("events sent twice across the stop").isZero();
    }

    @Test
    void a_second_sigterm_during_a_slow_delivery_stops_at_once_and_the_rerun_delivers_everything() throws Exception {
        // one request at a time: three are answered, the fourth takes a minute (a graceful stop would wait its 30 s)
        settings.put("amplitude.max-concurrent-requests", "1");
        settings.put("backfill.checkpoint-interval", "1h"); // so the positions the rerun finds are the stop's own
        emulator.script(Fault.slow(Duration.ZERO), Fault.slow(Duration.ZERO), Fault.slow(Duration.ZERO),
                Fault.slow(Duration.ofSeconds(60)));
        Process run = ChildRun.start(work, settings);
        ChildRun.awaitTrue(work, 60, () -> emulator.requestCount() >= 4, "the slow request");
        long delivered = emulator.ingestedCount();
        run.destroy();
        ChildRun.awaitTrue(work, 60, () -> logs().contains(STOPPING_LINE), "the stopping line");
        long secondSignal = System.nanoTime();
        run.destroy();
        assertThat(run.waitFor(10, TimeUnit.SECONDS)).as("ended within 10 s of the second SIGTERM%n%s", logs()).isTrue();
        System.out.printf("second SIGTERM: ended after %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - secondSignal));
        assertThat(run.exitValue()).as(logs()).isEqualTo(SIGTERM_EXIT);
        assertThat(logs()).contains("ampfill: stopped at once: positions saved");
        assertThat(emulator.ingestedCount()).as("delivered before the slow request").isEqualTo(delivered).isPositive();

        Process rerun = ChildRun.start(work, settings);
        assertThat(ChildRun.finishes(rerun, work, 120)).as("rerun ends%n%s", logs()).isTrue();
        assertThat(rerun.exitValue()).as(logs()).isZero();

        // every event in Amplitude (the slow request's copies, if they land, are dropped as duplicates), in order
        assertDeliveredInOrder(emulator, DEVICES, PER_DEVICE);
        System.out.printf("second SIGTERM after %d events delivered; the rerun resent %d%n", delivered, emulator.duplicateCount());
        assertThat(emulator.duplicateCount()).as("resent: the positions were saved at the stop").isLessThan(delivered);
        assertThat(names(inbox)).isEmpty();
        assertThat(names(work.resolve("data/done"))).hasSize(5);
    }

    private String logs() throws IOException {
        return ChildRun.logs(work);
    }

    private static List<String> names(Path dir) throws IOException {
        return FileBackfillTest.files(dir);
    }
}

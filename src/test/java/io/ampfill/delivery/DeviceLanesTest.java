package io.ampfill.delivery;

import io.ampfill.emulator.AmplitudeEmulator;
import io.ampfill.emulator.EmulatorSettings;
import io.ampfill.emulator.Fault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

import static io.ampfill.delivery.Lanes.await;
import static org.assertj.core.api.Assertions.assertThat;

/** The device lanes against the emulator over real HTTP, on a test clock: what waits is tested without waiting. */
class DeviceLanesTest {
    private AmplitudeEmulator emulator;
    private Lanes lanes;

    @AfterEach
    void stop() {
        if (lanes != null) {
            lanes.close();
        }
        if (emulator != null) {
            emulator.close();
        }
    }

    @Test
    void stops_with_the_reason_when_the_endpoint_keeps_answering_200_with_a_page_that_is_not_amplitudes() throws Exception {
        emulator = AmplitudeEmulator.start(new EmulatorSettings());
        for (int i = 0; i < 20; i++) {
            emulator.script(Fault.htmlPage());
        }
        lanes = new Lanes(emulator, 0);

        lanes.enqueue(List.of("device-000001"), 0, 3);
        for (int answered = 1; answered <= 4; answered++) {
            int expected = answered;
            await(expected + " answers", () -> lanes.retries.size() == expected);
            lanes.advance(Duration.ofSeconds(15)); // past any backoff: retry.max-backoff is 1 s here
        }
        await("the fifth answer", () -> lanes.requests.get() == 5);
        await("the stop", () -> !lanes.fatal.isEmpty());

        assertThat(lanes.fatal).singleElement().asString()
                .startsWith("the endpoint's answers have not been Amplitude's for 1m 0s (5 answers; the last: 200 with an HTML page")
                .contains("a wrong amplitude.endpoint, or a proxy");
        assertThat(lanes.retries).hasSize(4).containsOnly("answer not Amplitude's");
        assertThat(lanes.delivered.get()).isZero();
        assertThat(lanes.unit.committedOrdinal()).as("events settled").isZero();
        assertThat(emulator.ingestedCount()).isZero();
    }

    @Test
    void forgets_each_idle_device_once_its_bucket_is_full_again_however_many_devices() throws Exception {
        emulator = AmplitudeEmulator.start(new EmulatorSettings().keepEvents(false));
        lanes = new Lanes(emulator, 300);
        List<String> devices = Lanes.devices(20_000);

        lanes.enqueue(devices, 0, 1);
        assertThat(lanes.lanes.awaitAllSettled(Duration.ofSeconds(10))).as("all settled").isTrue();
        int heldWhileBucketsFill = lanes.lanes.laneCount();
        lanes.advance(Duration.ofSeconds(1)); // each bucket, one event short, is full again after 1/291 s
        await("idle lanes forgotten", () -> lanes.lanes.laneCount() == 0);

        assertThat(heldWhileBucketsFill).isEqualTo(20_000);
        assertThat(emulator.ingestedCount()).isEqualTo(20_000);
    }

    @Test
    void forgets_an_unpaced_idle_device_after_a_second() throws Exception {
        emulator = AmplitudeEmulator.start(new EmulatorSettings().keepEvents(false));
        lanes = new Lanes(emulator, 0);

        lanes.enqueue(Lanes.devices(2_000), 0, 1);
        assertThat(lanes.lanes.awaitAllSettled(Duration.ofSeconds(10))).as("all settled").isTrue();
        lanes.advance(Duration.ofMillis(900));
        int heldAfterALittleWhile = lanes.lanes.laneCount();
        lanes.advance(Duration.ofMillis(100));
        await("idle lanes forgotten", () -> lanes.lanes.laneCount() == 0);

        assertThat(heldAfterALittleWhile).isEqualTo(2_000);
    }

    @Test
    void a_device_that_comes_back_before_its_bucket_is_full_sends_no_more_than_its_bucket_holds() throws Exception {
        emulator = AmplitudeEmulator.start(new EmulatorSettings());
        lanes = new Lanes(emulator, 300); // a bucket holds 291 events (300 less 3%)
        List<String> device = List.of("device-000001");

        lanes.enqueue(device, 0, 291);
        await("a full bucket's worth delivered", () -> lanes.delivered.get() == 291);
        lanes.advance(Duration.ofMillis(500)); // its bucket is half full again
        lanes.enqueue(device, 291, 1000);
        await("what the half bucket allows delivered", () -> lanes.requests.get() == 2);
        lanes.advanceUntil("the rest delivered", () -> lanes.delivered.get() == 1000);

        assertThat(lanes.requestSizes.subList(0, 2)).containsExactly(291, 145);
        assertThat(lanes.requestSizes.subList(2, lanes.requestSizes.size())).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(291));
        assertThat(emulator.ingestedInsertIdsByDevice().get("device-000001")).hasSize(1000).doesNotHaveDuplicates();
    }

    @Test
    void with_pacing_off_paces_a_device_refused_for_its_rate_and_every_new_one_at_the_rate_amplitude_gave() throws Exception {
        emulator = AmplitudeEmulator.start(new EmulatorSettings());
        emulator.script(Fault.throttle()); // eps_threshold 1000, Amplitude's documented limit
        lanes = new Lanes(emulator, 0);

        lanes.enqueue(List.of("device-000001"), 0, 3000);
        lanes.advanceUntil("the first device's events delivered", () -> lanes.delivered.get() == 3000);
        lanes.enqueue(List.of("device-000002"), 0, 1500);
        lanes.advanceUntil("the second device's events delivered", () -> lanes.delivered.get() == 4500);

        // refused whole at first (2,000 events), then a second's worth at a time, less 3%
        assertThat(lanes.requestSizes).containsExactly(2000, 970, 970, 970, 90, 970, 530);
        assertThat(lanes.lines).containsExactly("amplitude.device-eps is 0 (no pacing), but Amplitude refused device-000001"
                + " as over its rate (429, at most 1000 events/s): from now on ampfill paces it, any device refused so and"
                + " every new one at 970 events/s, in batches of at most that many");
        assertThat(emulator.ingestedInsertIdsByDevice().get("device-000001")).hasSize(3000).doesNotHaveDuplicates();
        assertThat(emulator.ingestedInsertIdsByDevice().get("device-000002")).hasSize(1500).doesNotHaveDuplicates();
    }

    @Test
    void says_once_when_amplitude_becomes_unreachable_with_the_cause_and_once_when_it_answers_again() throws Exception {
        emulator = AmplitudeEmulator.start(new EmulatorSettings());
        String nobodyListens;
        try (ServerSocket closedSoon = new ServerSocket(0)) {
            nobodyListens = "http://127.0.0.1:" + closedSoon.getLocalPort() + "/batch";
        }
        lanes = new Lanes(nobodyListens, 0, 2000, Duration.ofMinutes(15), null);

        lanes.enqueue(List.of("device-000001"), 0, 10);
        await("1 request refused", () -> lanes.retries.size() == 1 && lanes.lanes.requestsInFlight() == 0);
        for (int refused = 2; refused <= 5; refused++) {
            int expected = refused;
            advanceTenSecondsUntil(refused + " requests refused",
                    () -> lanes.retries.size() == expected && lanes.lanes.requestsInFlight() == 0);
        }
        lanes.sendTo(emulator.batchUrl());
        advanceTenSecondsUntil("delivered", () -> lanes.delivered.get() == 10);

        assertThat(lanes.retries).containsOnly("connection refused");
        assertThat(lanes.lines).hasSize(2);
        assertThat(lanes.lines.get(0)).isEqualTo("Amplitude is unreachable (connection refused, 3 requests in a row without"
                + " an answer): its events wait and are sent again, with backoff, until it answers");
        // 50 s: five steps of 10 s; a step taken again (below) adds 10 s
        assertThat(lanes.lines.get(1)).matches("Amplitude answers again, after [5-9]0 s unreachable \\(5 requests went"
                + " without an answer\\)");
    }

    /**
     * Moves the clock on in steps of 10 s (past any backoff: retry.max-backoff is 1 s here) until the condition holds.
     * A lane sets its backoff just after its refusal is counted: a step taken before that leaves the lane waiting for a
     * later time, so a step that brings nothing within a second of real time is taken again.
     */
    private void advanceTenSecondsUntil(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (true) {
            lanes.advance(Duration.ofSeconds(10));
            long stepEnd = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(1);
            while (System.nanoTime() < stepEnd) {
                if (condition.getAsBoolean()) {
                    return;
                }
                Thread.sleep(2);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out moving the clock on until " + what);
            }
        }
    }

    @Test
    void says_in_one_line_which_devices_are_paused_for_their_quota_until_when_and_in_one_when_they_send_again() throws Exception {
        emulator = AmplitudeEmulator.start(new EmulatorSettings().dailyQuota(2));
        lanes = new Lanes(emulator, 0);
        List<String> devices = Lanes.devices(5);
        lanes.enqueue(devices, 0, 2);
        lanes.advanceUntil("each device's quota spent", () -> lanes.delivered.get() == 10);

        lanes.enqueue(devices, 2, 3);
        await("the 429", () -> lanes.retries.size() == 1 && lanes.lanes.requestsInFlight() == 0);
        Instant pausedAt = lanes.clock.wallNow();
        lanes.advanceUntil("the pause told", () -> lanes.lines.size() == 1);
        var beforeThePause = Map.copyOf(emulator.ingestedInsertIdsByDevice());
        emulator.reset(); // the quota frees
        lanes.advance(Duration.ofMinutes(15));
        lanes.advanceUntil("the rest delivered and told", () -> lanes.delivered.get() == 15 && lanes.lines.size() == 2);

        String until = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault())
                .format(pausedAt.plus(Duration.ofMinutes(15)));
        assertThat(lanes.lines.get(0)).isEqualTo("5 devices (device device-000000, device device-000001, device device-000002,"
                + " ...) are over their daily quota (429): paused until " + until + " (15m 0s), then tried again with smaller"
                + " batches; the other devices go on");
        assertThat(lanes.lines.get(1)).matches("5 devices \\((device device-00000\\d, ){3}\\.\\.\\.\\) send again, after 15m \\ds"
                + " paused for their daily quota");
        assertThat(lanes.retries).containsExactly("429 daily quota");
        for (String device : devices) {
            assertThat(beforeThePause.get(device)).containsExactly(device + "-0", device + "-1");
            assertThat(emulator.ingestedInsertIdsByDevice().get(device)).containsExactly(device + "-2");
        }
    }
}

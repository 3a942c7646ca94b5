package io.ampfill.delivery;

import io.ampfill.emulator.EmulatorSettings;
import io.ampfill.emulator.Fault;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Pacing, backoff, throttling, quota pauses, Retry-After and give-up-after, on a clock of the test's own: the lanes
 * are driven step by step against an emulator in this process that counts time on the same clock ({@link LanesOnAClock}).
 * Each test covers seconds or minutes of delivery in milliseconds, and its timings are exact.
 */
class DeliveryOnAClockTest {
    private static final String DEVICE = "device-000000";

    /** Device d's insert_ids, seq 0..n-1, in order. */
    private static List<String> inOrder(String device, int n) {
        return IntStream.range(0, n).mapToObj(seq -> device + "-" + seq).toList();
    }

    private static void assertDeliveredInOrder(LanesOnAClock lanes, List<String> devices, int perDevice) {
        for (String device : devices) {
            assertThat(lanes.emulator.ingestedInsertIdsByDevice().get(device)).as(device).isEqualTo(inOrder(device, perDevice));
        }
        assertThat(lanes.emulator.duplicateCount()).isZero();
    }

    @Test
    void a_throttled_device_waits_resends_slower_and_keeps_its_order() throws Exception {
        // Amplitude takes 100 events/s of a device, ampfill is set to 300: answered 429, each device slows down
        LanesOnAClock lanes = new LanesOnAClock(new EmulatorSettings().deviceEps(100).burstSeconds(1), new LanesOnAClock.Settings());
        List<String> devices = RecordingListener.devices(3);

        lanes.enqueue(devices, 0, 400);
        lanes.runUntilAllSettled();

        assertDeliveredInOrder(lanes, devices, 400);
        assertThat(lanes.retries).contains("429 throttled");
        // halved twice, to 75 events/s less 3%: the last batches are of 72 events, and 400 events take over 4 s
        assertThat(lanes.requestSizes.subList(lanes.sent.size() - 3, lanes.sent.size())).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(3 * 72));
        assertThat(lanes.elapsedMillis()).isGreaterThan(4000);
    }

    @Test
    void paces_a_device_from_when_amplitude_has_surely_counted_its_last_batch() throws Exception {
        // Amplitude counts a batch when it reaches it, which may be as late as the answer: here the first request reaches
        // it after 300 ms. Paced from its send alone, the second would reach it 0.7 s after the first, over 300 events/s.
        LanesOnAClock lanes = new LanesOnAClock(new EmulatorSettings().deviceEps(300).burstSeconds(1), new LanesOnAClock.Settings());
        lanes.clock.advance(Duration.ofSeconds(1)); // a full bucket
        lanes.nextRequestArrivesAfter(Duration.ofMillis(300));

        lanes.enqueue(List.of(DEVICE), 0, 900);
        lanes.runUntilAllSettled();

        assertDeliveredInOrder(lanes, List.of(DEVICE), 900);
        assertThat(lanes.retries).isEmpty();
        assertThat(lanes.sent.get(0).atMillis()).isEqualTo(1000);
        // 291 events a second after the first reached Amplitude (at 1300 ms), at its rate without the margin: 970 ms
        assertThat(lanes.sent.get(1).atMillis()).isEqualTo(1300 + 970);
    }

    @Test
    void the_gauges_name_the_device_that_needs_longest_by_its_events_its_rate_and_its_wait() throws Exception {
        LanesOnAClock lanes = new LanesOnAClock(new EmulatorSettings().deviceEps(300).burstSeconds(1), new LanesOnAClock.Settings());
        lanes.enqueue(List.of(DEVICE), 0, 900);
        lanes.enqueue(RecordingListener.devices(5).subList(1, 5), 0, 100);

        LaneGauges atStart = lanes.lanes.gauges();
        assertThat(atStart.eventsInMemory()).isEqualTo(1300);
        assertThat(atStart.slowest().key()).isEqualTo(DEVICE);
        assertThat(atStart.slowest().events()).isEqualTo(900);
        assertThat(atStart.slowest().eventsPerSecond()).isEqualTo(300 * DeliverySettings.RATE_MARGIN);
        assertThat(atStart.slowest().secondsLeft()).isCloseTo(900 / 291.0, within(1e-9));

        lanes.runUntil("a second's worth of the heavy device is in", () ->
                lanes.emulator.ingestedInsertIdsByDevice().getOrDefault(DEVICE, List.of()).size() >= 291);
        LaneGauges later = lanes.lanes.gauges();
        assertThat(later.slowest().key()).isEqualTo(DEVICE);
        assertThat(later.slowest().events()).isEqualTo(900 - 291);
    }

    @Test
    void a_run_right_after_another_does_not_spend_what_amplitude_has_not_given_back_yet() throws Exception {
        // the first run sends the device's last events at its full rate up to its end; the second starts at once, and
        // Amplitude's bucket for the device has not filled again: a full one at its start would be answered 429
        LanesOnAClock first = new LanesOnAClock(new EmulatorSettings().deviceEps(300).burstSeconds(1), new LanesOnAClock.Settings());
        first.enqueue(List.of(DEVICE), 0, 600);
        first.runUntilAllSettled();
        LanesOnAClock second = first.nextRun(new LanesOnAClock.Settings());

        second.enqueue(List.of(DEVICE), 600, 1200);
        second.runUntilAllSettled();

        assertDeliveredInOrder(second, List.of(DEVICE), 1200);
        assertThat(second.emulator.answerCounts()).doesNotContainKey(429);
        // its first batch waits until a second's worth has come in since it began
        assertThat(second.sent.get(0)).isEqualTo(new LanesOnAClock.Sent(1000, 291));
    }

    @Test
    void with_pacing_off_a_device_refused_for_its_rate_gets_smaller_slower_batches_until_all_is_in() throws Exception {
        // a server that takes no more than a second's worth of a device at once: a 2,000-event batch is refused every time
        LanesOnAClock lanes = new LanesOnAClock(new EmulatorSettings().deviceEps(1000).strictBuckets(true),
                new LanesOnAClock.Settings().deviceEps(0));
        List<String> devices = RecordingListener.devices(2);

        lanes.enqueue(devices, 0, 1500);
        lanes.runUntilAllSettled();

        assertDeliveredInOrder(lanes, devices, 1500);
        // the first request (1,500 of one device, 500 of the other) is refused for the first device; the other, not
        // named, goes again at once with all it has and is refused in turn. From then on both are paced at 970 events/s:
        // a second's worth each, a second later, then the rest
        assertThat(lanes.emulator.answerCounts().get(429)).as("requests refused").isEqualTo(2);
        assertThat(lanes.requestSizes).containsExactly(2000, 1500, 2 * 970, 2 * 530);
        assertThat(lanes.lines).singleElement().asString()
                .contains("at most 1000 events/s").contains("at 970 events/s");
    }

    @Test
    void honours_retry_after_on_a_429_rather_than_its_own_backoff() throws Exception {
        LanesOnAClock lanes = new LanesOnAClock(new EmulatorSettings().retryAfterHeader(true), new LanesOnAClock.Settings().deviceEps(0));
        lanes.emulator.script(Fault.throttle());

        lanes.enqueue(RecordingListener.devices(2), 0, 5);
        lanes.runUntilAllSettled();

        assertDeliveredInOrder(lanes, RecordingListener.devices(2), 5);
        // Retry-After: 1 (second); the backoff would have waited at most 500 ms (amplitude.retry.base)
        assertThat(lanes.sent).extracting(LanesOnAClock.Sent::atMillis).containsExactly(0L, 1000L);
    }

    @Test
    void resends_after_5xx_with_exponential_backoff_capped_at_the_longest_wait() throws Exception {
        LanesOnAClock lanes = new LanesOnAClock(new EmulatorSettings(), new LanesOnAClock.Settings().deviceEps(0));
        List<Fault> failures = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            failures.add(Fault.status(i % 2 == 0 ? 503 : 500));
        }
        lanes.emulator.script(failures.toArray(Fault[]::new));

        lanes.enqueue(List.of(DEVICE), 0, 10);
        lanes.runUntilAllSettled();

        assertDeliveredInOrder(lanes, List.of(DEVICE), 10);
        // the backoff's longest waits (its random draw is its largest here): 0.5 s doubling each time, at most 60 s
        List<Long> waits = new ArrayList<>();
        for (int i = 1; i < lanes.sent.size(); i++) {
            waits.add(lanes.sent.get(i).atMillis() - lanes.sent.get(i - 1).atMillis());
        }
        assertThat(waits).containsExactly(500L, 1000L, 2000L, 4000L, 8000L, 16000L, 32000L, 60000L, 60000L);
        assertThat(lanes.retries).hasSize(9).containsOnly("500", "503");
    }

    @Test
    void dead_letters_a_batch_still_failing_after_give_up_after_with_the_last_answer() throws Exception {
        LanesOnAClock lanes = new LanesOnAClock(new EmulatorSettings().status503Rate(1.0),
                new LanesOnAClock.Settings().deviceEps(0).giveUpAfter(Duration.ofMinutes(5)));

        lanes.enqueue(RecordingListener.devices(2), 0, 5);
        lanes.runUntilAllSettled();

        assertThat(lanes.emulator.ingestedCount()).isZero();
        assertThat(lanes.deadLetters).hasSize(10)
                .allSatisfy((id, reason) -> assertThat(reason).isEqualTo("gave up after 5m of failed attempts, last answer 503"));
        // tried at 0, then after 0.5, 1, 2, 4, 8, 16, 32, 60, 60, 60 s: the first answer past 5 minutes gives up
        assertThat(lanes.sent).hasSize(12);
        assertThat(lanes.elapsedMillis()).isEqualTo(303_500);
    }

    @Test
    void pauses_only_the_device_over_its_daily_quota_while_the_others_finish() throws Exception {
        LanesOnAClock lanes = new LanesOnAClock(new EmulatorSettings().dailyQuota(100).quotaWindow(Duration.ofSeconds(3)),
                new LanesOnAClock.Settings().deviceEps(0).quotaPause(Duration.ofMillis(300)));
        List<String> others = RecordingListener.devices(20).subList(1, 20);
        lanes.enqueue(List.of(DEVICE), 0, 150); // the heavy device: 150 events, quota 100
        lanes.enqueue(others, 0, 20);

        lanes.runUntil("the other devices are in", () -> others.stream()
                .allMatch(d -> lanes.emulator.ingestedInsertIdsByDevice().getOrDefault(d, List.of()).size() == 20));
        long othersInAt = lanes.elapsedMillis();
        int heavyThen = lanes.emulator.ingestedInsertIdsByDevice().getOrDefault(DEVICE, List.of()).size();
        LaneGauges whilePaused = lanes.lanes.gauges();
        lanes.runUntilAllSettled();

        assertThat(whilePaused.pausedDevices()).isEqualTo(1);
        assertThat(whilePaused.eventsInMemory()).isEqualTo(150 - heavyThen);
        LaneGauges atEnd = lanes.lanes.gauges();
        assertThat(atEnd).isEqualTo(new LaneGauges(0, 0, 0, null, 0, atEnd.concurrencyLimit()));
        assertThat(atEnd.concurrencyLimit()).isPositive();

        assertThat(heavyThen).isLessThanOrEqualTo(100);
        assertThat(othersInAt).isLessThan(300);
        assertDeliveredInOrder(lanes, others, 20);
        assertDeliveredInOrder(lanes, List.of(DEVICE), 150);
        assertThat(lanes.retries).contains("429 daily quota");
        // its quota frees 3 s after its first events went in; until then it is tried again every 300 ms
        assertThat(lanes.elapsedMillis()).isBetween(3000L, 3300L);
        // a smaller batch, half the one refused, is taken when the pause ends, the next one refused again, and so on
        assertThat(lanes.lines).first().asString().contains("over their daily quota (429): paused until ");
        assertThat(lanes.lines).last().asString().contains("send again, after");
        assertThat(lanes.deadLetters).isEmpty();
    }

    @Test
    @Timeout(10) // without the spill, the reader would wait for the paused device, here in the test's own thread, for ever
    void a_paused_device_with_more_events_than_the_window_holds_up_no_other_device(@TempDir Path spill) throws Exception {
        // the heavy device's 1,000 events come first and its quota takes 200 a second. The window holds 400 events:
        // were they all the heavy device's, the others would wait until it had sent 600 (3 s). Each device keeps at
        // most 100 events in memory (two requests of 50); the rest wait on disk.
        LanesOnAClock lanes = new LanesOnAClock(new EmulatorSettings().dailyQuota(200).quotaWindow(Duration.ofSeconds(1)),
                new LanesOnAClock.Settings().deviceEps(0).quotaPause(Duration.ofMillis(200)).maxEventsPerRequest(50)
                        .window(400, spill));
        List<String> others = RecordingListener.devices(20).subList(1, 20);

        lanes.enqueue(List.of(DEVICE), 0, 1000);
        for (int seq = 0; seq < 20; seq++) { // in chunks, as a source hands them in, with what is due done in between
            lanes.enqueue(others, seq, seq + 1);
            lanes.lanes.runDue();
        }
        lanes.runUntil("the other devices are in", () -> others.stream()
                .allMatch(d -> lanes.emulator.ingestedInsertIdsByDevice().getOrDefault(d, List.of()).size() == 20));
        int heavyThen = lanes.emulator.ingestedInsertIdsByDevice().getOrDefault(DEVICE, List.of()).size();
        long othersInAt = lanes.elapsedMillis();
        lanes.runUntilAllSettled();
        lanes.lanes.close();

        assertThat(othersInAt).isLessThan(1000);
        assertThat(heavyThen).isLessThanOrEqualTo(400);
        assertDeliveredInOrder(lanes, others, 20);
        assertDeliveredInOrder(lanes, List.of(DEVICE), 1000);
        assertThat(lanes.waitedOnDisk.get()).as("events that waited on disk").isEqualTo(900);
        assertThat(lanes.deadLetters).isEmpty();
        try (var left = Files.list(spill)) {
            assertThat(left.toList()).as("spill files left").isEmpty();
        }
    }
}

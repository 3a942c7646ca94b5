package io.ampfill.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ampfill.emulator.AmplitudeEmulator;
import io.ampfill.emulator.EmulatorSettings;
import io.ampfill.emulator.Fault;
import io.ampfill.emulator.LocalhostCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static io.ampfill.e2e.Events.assertDeliveredInOrder;
import static io.ampfill.e2e.FileBackfillTest.files;
import static org.assertj.core.api.Assertions.assertThat;

/** One test per row of the answer table (docs/contract.md), through the real routes against the emulator. */
class DeliveryAnswersTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;
    AmplitudeEmulator emulator;

    @AfterEach
    void stopEmulator() {
        if (emulator != null) {
            emulator.close();
        }
    }

    private Backfill backfill(EmulatorSettings settings, int devices, int perDevice) throws IOException {
        emulator = AmplitudeEmulator.start(settings);
        Backfill backfill = new Backfill(work, emulator)
                .set("amplitude.retry.base", "10ms")
                .set("amplitude.retry.max-backoff", "200ms");
        List<String> parts = Events.timeOrderedFiles(devices, perDevice, 1);
        backfill.drop("events.ndjson", parts.get(0));
        return backfill;
    }

    /** The one device's events all arrived, once and in order, and no request was answered 429 or retried. */
    private void assertDeliveredUnthrottled(Backfill backfill, int events) {
        assertDeliveredInOrder(emulator, 1, events);
        assertThat(emulator.answerCounts()).doesNotContainKey(429);
        assertThat(backfill.report.retriesByCause()).isEmpty();
    }

    private static List<JsonNode> deadLetters(Backfill backfill, String file) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(backfill.deadLetters.resolve(file + ".rejected.ndjson"))) {
            lines.add(JSON.readTree(line));
        }
        return lines;
    }

    @Test
    void resends_the_valid_events_when_a_400_lists_invalid_ones() throws IOException {
        Backfill backfill = backfill(new EmulatorSettings().silencedDevices(Events.device(3)), 10, 20);

        assertThat(backfill.run()).as(backfill.err).isZero();

        for (int d = 0; d < 10; d++) {
            assertThat(Events.seqs(emulator, Events.device(d))).hasSize(d == 3 ? 0 : 20);
        }
        assertThat(emulator.ingestedCount()).isEqualTo(180);
        List<JsonNode> rejected = deadLetters(backfill, "events.ndjson");
        assertThat(rejected).hasSize(20).allSatisfy(r -> {
            assertThat(r.path("reason").asText()).isEqualTo("Amplitude refused the event (400 event silenced, device silenced)");
            assertThat(r.path("record").path("device_id").asText()).isEqualTo(Events.device(3));
            assertThat(r.path("record").path("insert_id").asText()).startsWith("af-");
        });
        assertThat(rejected).extracting(r -> r.path("record").path("event_properties").path("seq").asInt())
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 20).boxed().toList());
        assertThat(files(backfill.done)).containsExactly("events.ndjson");
    }

    @Test
    void stops_on_a_wrong_api_key_with_one_clear_line_and_leaves_the_input_alone() throws IOException {
        Backfill backfill = backfill(new EmulatorSettings().expectedApiKey("the-right-key-42"), 5, 10);
        backfill.set("amplitude.api-key", "wrong-key-7f3e9a1b2c");

        assertThat(backfill.run()).isEqualTo(1);

        assertThat(backfill.err).contains("Amplitude refused the API key");
        assertThat(backfill.out + backfill.err).doesNotContain("wrong-key-7f3e9a1b2c").doesNotContain("the-right-key-42");
        assertThat(backfill.err.lines().filter(l -> l.startsWith("ampfill: stopped"))).hasSize(1);
        assertThat(files(backfill.inbox)).containsExactly("events.ndjson");
        assertThat(backfill.done).doesNotExist();
        assertThat(backfill.deadLetters).doesNotExist();
        assertThat(emulator.ingestedCount()).isZero();
    }

    @Test
    void a_wrong_api_key_keeps_no_dead_letter_the_next_run_writes_and_the_rerun_writes_each_bad_record_once() throws IOException {
        emulator = AmplitudeEmulator.start(new EmulatorSettings().expectedApiKey("the-right-key-42"));
        StringBuilder file = new StringBuilder("{leading bad line\n[\"not an object\"]\n");
        List<Integer> badLines = new ArrayList<>(List.of(1, 2));
        int line = 2;
        for (int seq = 0; seq < 50; seq++) {
            for (int d = 0; d < 4; d++) {
                file.append(Events.ndjsonLine(d, seq)).append('\n');
                if (++line % 7 == 0) {
                    file.append("{\"event_type\":\"Played Song\",\"device_id\":\"null\",\"time\":1700000000000}\n");
                    badLines.add(++line);
                }
            }
        }
        Backfill wrongKey = new Backfill(work, emulator).set("amplitude.api-key", "wrong-key-7f3e9a1b2c");
        wrongKey.drop("events.ndjson", file.toString());

        assertThat(wrongKey.run()).isEqualTo(1);

        assertThat(wrongKey.err).contains("Amplitude refused the API key");
        assertThat(emulator.ingestedCount()).isZero();
        // what stays is what the saved position counts, never more: the records before the first event (if saved)
        List<Integer> kept = deadLetterLines(wrongKey);
        assertThat(kept).isSubsetOf(1, 2);
        assertThat(wrongKey.report.deadLettered()).as("the report counts what stays").isEqualTo(kept.size());

        Backfill rightKey = new Backfill(work, emulator).set("amplitude.api-key", "the-right-key-42");
        assertThat(rightKey.run()).as(rightKey.err).isZero();

        assertDeliveredInOrder(emulator, 4, 50);
        assertThat(deadLetterLines(rightKey)).as("each bad record once, nothing else").containsExactlyElementsOf(badLines);
        assertThat(files(rightKey.deadLetters)).containsExactly("events.ndjson.rejected.ndjson");
    }

    /** The line numbers of the file's dead letters, in the dead-letter file's order; none if it is not there. */
    private static List<Integer> deadLetterLines(Backfill backfill) throws IOException {
        if (!Files.exists(backfill.deadLetters.resolve("events.ndjson.rejected.ndjson"))) {
            return List.of();
        }
        return deadLetters(backfill, "events.ndjson").stream().map(r -> r.path("line").asInt()).toList();
    }

    @Test
    void stops_on_403() throws IOException {
        Backfill backfill = backfill(new EmulatorSettings(), 5, 10);
        emulator.script(Fault.status(403));

        assertThat(backfill.run()).isEqualTo(1);

        assertThat(backfill.err).contains("403");
        assertThat(files(backfill.inbox)).containsExactly("events.ndjson");
        assertThat(backfill.deadLetters).doesNotExist();
    }

    @Test
    void splits_a_413_in_halves_until_the_requests_pass() throws IOException {
        Backfill backfill = backfill(new EmulatorSettings().maxEventsPerRequest(30), 40, 10);

        assertThat(backfill.run()).as(backfill.err).isZero();

        assertDeliveredInOrder(emulator, 40, 10);
        assertThat(emulator.duplicateCount()).isZero();
        assertThat(backfill.report.retriesByCause()).containsKey("413");
    }

    @Test
    void dead_letters_a_single_event_that_is_still_too_large() throws IOException {
        emulator = AmplitudeEmulator.start(new EmulatorSettings().maxBodyBytes(4000));
        Backfill backfill = new Backfill(work, emulator);
        String big = "x".repeat(5000);
        backfill.drop("events.ndjson", Events.ndjsonLine(0, 0) + "\n"
                + "{\"event_type\":\"Big\",\"device_id\":\"device-0000\",\"time\":1700000000500,\"event_properties\":{\"blob\":\"" + big + "\"}}\n"
                + Events.ndjsonLine(0, 1) + "\n");

        assertThat(backfill.run()).as(backfill.err).isZero();

        assertThat(Events.seqs(emulator, Events.device(0))).containsExactly(0, 1);
        List<JsonNode> rejected = deadLetters(backfill, "events.ndjson");
        assertThat(rejected).hasSize(1);
        assertThat(rejected.get(0).path("reason").asText()).contains("too large");
        assertThat(rejected.get(0).path("line").asInt()).isEqualTo(2);
    }

    @Test
    void waits_and_resends_when_a_device_is_throttled_keeping_its_order() throws IOException {
        // the server allows 100 events/s per device, ampfill is set to 300: it is answered 429 and slows down
        Backfill backfill = backfill(new EmulatorSettings().deviceEps(100).burstSeconds(1), 3, 400);

        assertThat(backfill.run()).as(backfill.err).isZero();

        assertDeliveredInOrder(emulator, 3, 400);
        assertThat(emulator.answerCounts()).containsKey(429);
        assertThat(backfill.report.retriesByCause()).containsKey("429 throttled");
    }

    @Test
    void paces_a_device_from_when_amplitude_has_surely_counted_its_last_batch() throws IOException {
        // Amplitude counts a batch when it reaches it, which may be as late as the answer: here the first request
        // takes 300 ms to be counted. Paced from its send alone, the second would reach the server 0.7 s after
        // it, over 300 events/s, and be answered 429.
        Backfill backfill = backfill(new EmulatorSettings().deviceEps(300).burstSeconds(1), 1, 900);
        emulator.script(Fault.slow(Duration.ofMillis(300)));

        assertThat(backfill.run()).as(backfill.err).isZero();

        assertDeliveredUnthrottled(backfill, 900);
    }

    @Test
    void a_run_right_after_another_does_not_spend_what_amplitude_has_not_given_back_yet() throws IOException {
        // the first run sends the device's last events at its full rate up to its end; the second starts at once,
        // and Amplitude's bucket for the device has not filled again: a full one at its start is answered 429
        Backfill backfill = backfill(new EmulatorSettings().deviceEps(300).burstSeconds(1), 1, 600);
        assertThat(backfill.run()).as(backfill.err).isZero();
        StringBuilder more = new StringBuilder();
        for (int seq = 600; seq < 1200; seq++) {
            more.append(Events.ndjsonLine(0, seq)).append('\n');
        }
        backfill.drop("more.ndjson", more.toString());

        assertThat(backfill.run()).as(backfill.err).isZero();

        assertDeliveredUnthrottled(backfill, 1200);
    }

    @Test
    void with_pacing_off_a_device_refused_for_its_rate_gets_smaller_slower_batches_until_all_is_in() throws Exception {
        // a server that takes no more than a second's worth of a device at once: a 2,000-event batch is refused every time
        Backfill backfill = backfill(new EmulatorSettings().deviceEps(1000).strictBuckets(true), 2, 1500)
                .set("amplitude.device-eps", "0")
                .set("backfill.shutdown-timeout", "1s");

        String log = loggedDuring(logSoFar -> {
            CompletableFuture<Integer> run = CompletableFuture.supplyAsync(backfill::run);
            try {
                assertThat(run.get(30, TimeUnit.SECONDS)).as(backfill.err).isZero();
            } catch (TimeoutException refusedForever) {
                backfill.stop();
                run.get(30, TimeUnit.SECONDS);
                throw new AssertionError("still refused after 30 s: " + emulator.answerCounts());
            }
        });

        assertDeliveredInOrder(emulator, 2, 1500);
        assertThat(emulator.duplicateCount()).isZero();
        assertThat(emulator.answerCounts().get(429)).as("requests refused").isBetween(1L, 4L);
        assertThat(log.lines().filter(line -> line.contains("amplitude.device-eps is 0 (no pacing), but Amplitude refused")))
                .singleElement().asString().contains("at most 1000 events/s").contains("at 970 events/s");
    }

    @Test
    void says_when_amplitude_is_unreachable_and_when_it_is_back_then_delivers_everything() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Backfill backfill = new Backfill(work, null)
                .set("amplitude.api-key", "test-key-0123456789")
                .set("amplitude.endpoint", "http://127.0.0.1:" + port + "/batch")
                .set("amplitude.retry.base", "10ms")
                .set("amplitude.retry.max-backoff", "100ms");
        backfill.drop("events.ndjson", Events.timeOrderedFiles(3, 10, 1).get(0));

        String log = loggedDuring(logSoFar -> {
            CompletableFuture<Integer> run = CompletableFuture.supplyAsync(backfill::run);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!logSoFar.get().contains("Amplitude is unreachable") && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            emulator = AmplitudeEmulator.start(new EmulatorSettings().port(port)); // Amplitude is back where ampfill sends
            assertThat(run.get(30, TimeUnit.SECONDS)).as(backfill.err).isZero();
        });

        assertDeliveredInOrder(emulator, 3, 10);
        assertThat(log.lines().filter(line -> line.contains("Amplitude is unreachable"))).singleElement().asString()
                .contains("(connection refused, 3 requests in a row without an answer)");
        assertThat(log.lines().filter(line -> line.contains("Amplitude answers again"))).singleElement().asString()
                .containsPattern("after [\\d.]+ m?s unreachable \\(\\d+ requests went without an answer\\)");
    }

    /** What was written to System.err (where ampfill's log lines go) while the action ran; it may look at it so far. */
    private static String loggedDuring(LoggedAction action) throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            action.run(() -> err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(original);
        }
        String log = err.toString(StandardCharsets.UTF_8);
        original.print(log);
        return log;
    }

    private interface LoggedAction {
        void run(java.util.function.Supplier<String> logSoFar) throws Exception;
    }

    @Test
    void honours_retry_after_on_a_429() throws IOException {
        Backfill backfill = backfill(new EmulatorSettings().retryAfterHeader(true), 2, 5);
        emulator.script(Fault.throttle());
        long start = System.nanoTime();

        assertThat(backfill.run()).as(backfill.err).isZero();

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertDeliveredInOrder(emulator, 2, 5);
    }

    @Test
    void pauses_only_the_device_over_its_daily_quota_while_the_others_finish() throws Exception {
        emulator = AmplitudeEmulator.start(new EmulatorSettings().dailyQuota(100).quotaWindow(Duration.ofSeconds(3)));
        Backfill backfill = new Backfill(work, emulator).set("amplitude.quota-pause", "300ms");
        StringBuilder lines = new StringBuilder();
        for (int seq = 0; seq < 150; seq++) {
            lines.append(Events.ndjsonLine(0, seq)).append('\n'); // the heavy device: 150 events, quota 100
            if (seq < 20) {
                for (int d = 1; d < 20; d++) {
                    lines.append(Events.ndjsonLine(d, seq)).append('\n');
                }
            }
        }
        backfill.drop("events.ndjson", lines.toString());

        CompletableFuture<Integer> run = CompletableFuture.supplyAsync(backfill::run);
        try {
            waitForTheOthers(backfill, run);
        } finally {
            if (!run.isDone()) {
                emulator.reset(); // lets a failed run end instead of outliving the test
            }
        }
    }

    @Test
    void a_paused_device_with_more_events_than_the_window_holds_up_no_other_device() throws Exception {
        emulator = AmplitudeEmulator.start(new EmulatorSettings().dailyQuota(200).quotaWindow(Duration.ofSeconds(1)));
        // the heavy device's 1,000 events come first in the file and its quota takes 200 a second. The window holds
        // 400 events: were they all the heavy device's, the reader would reach the other devices only once the
        // heavy one had sent 600 (3 s). Each device keeps at most 100 events in memory; the rest wait on disk.
        Backfill backfill = new Backfill(work, emulator)
                .set("amplitude.quota-pause", "200ms")
                .set("amplitude.max-events-per-request", "50")
                .set("backfill.max-in-flight-events", "400")
                .set("backfill.chunk-size", "50");
        StringBuilder lines = new StringBuilder();
        for (int seq = 0; seq < 1000; seq++) {
            lines.append(Events.ndjsonLine(0, seq)).append('\n');
        }
        for (int seq = 0; seq < 20; seq++) {
            for (int d = 1; d < 20; d++) {
                lines.append(Events.ndjsonLine(d, seq)).append('\n');
            }
        }
        backfill.drop("events.ndjson", lines.toString());

        CompletableFuture<Integer> run = CompletableFuture.supplyAsync(backfill::run);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (othersIngested() < 19 * 20 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(othersIngested()).isEqualTo(19 * 20);
            assertThat(Events.seqs(emulator, Events.device(0)).size()).as("heavy device's events in when the others were")
                    .isLessThanOrEqualTo(400);
            assertThat(run.isDone()).isFalse();

            assertThat(run.get(30, TimeUnit.SECONDS)).as(backfill.err).isZero();
        } finally {
            if (!run.isDone()) {
                emulator.reset();
            }
        }
        assertThat(Events.seqs(emulator, Events.device(0))).hasSize(1000).isSorted().doesNotHaveDuplicates();
        for (int d = 1; d < 20; d++) {
            assertThat(Events.seqs(emulator, Events.device(d))).hasSize(20).isSorted().doesNotHaveDuplicates();
        }
        assertThat(emulator.duplicateCount()).isZero();
        assertThat(backfill.deadLetters).doesNotExist();
        // the heavy device keeps 100 in memory; most of the other 900 waited on disk, and the report says so
        assertThat(backfill.report.waitedOnDisk()).isBetween(500L, 900L);
        assertThat(backfill.out).contains("waited on disk");
        try (var left = Files.list(work.resolve("spill"))) {
            assertThat(left.toList()).as("spill files left").isEmpty();
        }
    }

    private void waitForTheOthers(Backfill backfill, CompletableFuture<Integer> run) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (othersIngested() < 19 * 20 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        // every other device is through while the heavy one still waits for its quota to free
        assertThat(othersIngested()).isEqualTo(19 * 20);
        assertThat(Events.seqs(emulator, Events.device(0)).size()).isLessThanOrEqualTo(100);
        assertThat(run.isDone()).isFalse();

        assertThat(run.get(30, TimeUnit.SECONDS)).as(backfill.err).isZero();
        assertThat(Events.seqs(emulator, Events.device(0))).hasSize(150);
        for (int d = 0; d < 20; d++) {
            List<Integer> seqs = Events.seqs(emulator, Events.device(d));
            assertThat(seqs).isSorted().doesNotHaveDuplicates();
        }
        assertThat(backfill.report.retriesByCause()).containsKey("429 daily quota");
        assertThat(backfill.deadLetters).doesNotExist();
    }

    private long othersIngested() {
        long n = 0;
        for (int d = 1; d < 20; d++) {
            n += Events.seqs(emulator, Events.device(d)).size();
        }
        return n;
    }

    @Test
    void resends_on_500_502_503_504_until_accepted() throws IOException {
        Backfill backfill = backfill(new EmulatorSettings(), 5, 10);
        emulator.script(Fault.status(500), Fault.status(502), Fault.status(503), Fault.status(504));

        assertThat(backfill.run()).as(backfill.err).isZero();

        assertDeliveredInOrder(emulator, 5, 10);
        assertThat(backfill.report.retriesByCause()).containsKeys("500", "502", "503", "504");
    }

    @Test
    void resends_what_a_200_that_is_not_amplitudes_answer_took_and_completes_the_file_only_once_amplitude_has_it() throws IOException {
        Backfill backfill = backfill(new EmulatorSettings(), 5, 10);
        emulator.script(Fault.htmlPage(), Fault.jsonCode(500));

        assertThat(backfill.run()).as(backfill.err).isZero();

        assertDeliveredInOrder(emulator, 5, 10);
        assertThat(emulator.duplicateCount()).isZero();
        assertThat(backfill.report.retriesByCause()).containsEntry("answer not Amplitude's", 2L);
        assertThat(backfill.report.delivered()).isEqualTo(50);
        assertThat(files(backfill.done)).containsExactly("events.ndjson");
    }

    @Test
    void resends_after_a_reset_connection() throws IOException {
        Backfill backfill = backfill(new EmulatorSettings(), 5, 10);
        emulator.script(Fault.reset(), Fault.reset());

        assertThat(backfill.run()).as(backfill.err).isZero();

        assertDeliveredInOrder(emulator, 5, 10);
        assertThat(backfill.report.retriesByCause()).containsKey("connection error");
    }

    @Test
    void resends_after_a_timeout_and_amplitude_drops_the_copy() throws IOException {
        Backfill backfill = backfill(new EmulatorSettings(), 5, 10);
        backfill.set("amplitude.response-timeout", "500ms");
        emulator.script(Fault.slow(Duration.ofMillis(1500)));

        assertThat(backfill.run()).as(backfill.err).isZero();

        assertDeliveredInOrder(emulator, 5, 10);
        assertThat(backfill.report.retriesByCause()).containsKey("timeout");
    }

    @Test
    void delivers_over_https_with_ampfill_s_timeouts_and_every_answer_reaching_the_classifier() throws Exception {
        // Amplitude's endpoint is https, which Camel serves with a component of its own: the settings must hold there
        try (LocalhostCertificate certificate = LocalhostCertificate.make(work).trustedByDefault()) {
            Backfill backfill = backfill(new EmulatorSettings().tls(certificate.serverContext()), 5, 10);
            backfill.set("amplitude.response-timeout", "500ms");
            // the HTTP client's own retries would answer a 429 themselves (after its Retry-After) and hide it
            emulator.script(Fault.slow(Duration.ofMillis(1500)), Fault.throttle());

            assertThat(backfill.run()).as(backfill.err).isZero();

            assertThat(backfill.out).contains("sent to https://");
            assertDeliveredInOrder(emulator, 5, 10);
            assertThat(backfill.report.retriesByCause()).containsKeys("timeout", "429 throttled");
        }
    }

    @Test
    void resends_after_a_500_that_had_ingested_and_nothing_is_doubled() throws IOException {
        // pacing off: a device's bucket starts empty, so the devices would be ready one by one and the first request,
        // the one answered 500, would hold only some of them (a file read at once no longer waits 250 ms for that)
        Backfill backfill = backfill(new EmulatorSettings(), 5, 10).set("amplitude.device-eps", "0");
        emulator.script(Fault.ingestThen500());

        assertThat(backfill.run()).as(backfill.err).isZero();

        assertDeliveredInOrder(emulator, 5, 10);
        assertThat(emulator.duplicateCount()).isEqualTo(50);
    }

    @Test
    void dead_letters_a_batch_that_keeps_failing_past_give_up_after() throws IOException {
        Backfill backfill = backfill(new EmulatorSettings().status503Rate(1.0), 2, 5);
        backfill.set("amplitude.retry.give-up-after", "300ms");

        assertThat(backfill.run()).as(backfill.err).isZero();

        assertThat(emulator.ingestedCount()).isZero();
        List<JsonNode> rejected = deadLetters(backfill, "events.ndjson");
        assertThat(rejected).hasSize(10).allSatisfy(r ->
                assertThat(r.path("reason").asText()).startsWith("gave up after 300ms").contains("503"));
    }
}

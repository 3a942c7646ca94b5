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

/**
 * The rows of the answer table (docs/contract.md), through the real routes against the emulator, on the real clock.
 * What waits (pacing, backoff, Retry-After, quota pauses, give-up-after) is tested on a clock of its own in
 * {@code io.ampfill.delivery.DeliveryOnAClockTest}; here, that each answer reaches the lanes and ends as the user sees it.
 */
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

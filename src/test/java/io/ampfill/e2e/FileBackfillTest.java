package io.ampfill.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ampfill.cli.AmpfillApp;
import io.ampfill.emulator.AmplitudeEmulator;
import io.ampfill.emulator.EmulatorSettings;
import io.ampfill.source.InboxLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import static io.ampfill.e2e.Events.assertDeliveredInOrder;
import static io.ampfill.e2e.Events.ndjsonLine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The drop folder, end to end: the real routes against the emulator. Whatever the file system lets into it, every
 * file is either read or named in one line with the reason, and none keeps the others from arriving.
 */
class FileBackfillTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;
    AmplitudeEmulator emulator;

    @BeforeEach
    void startEmulator() {
        emulator = AmplitudeEmulator.start(new EmulatorSettings().deviceEps(1000));
    }

    @AfterEach
    void stopEmulator() {
        emulator.close();
    }

    @Test
    void delivers_20000_events_of_200_devices_in_four_files_once_and_in_order() throws IOException {
        Backfill backfill = new Backfill(work, emulator);
        List<String> parts = Events.timeOrderedFiles(200, 100, 4);
        for (int i = 0; i < parts.size(); i++) {
            backfill.drop("events-" + i + ".ndjson", parts.get(i));
        }

        assertThat(backfill.run()).as(backfill.err).isZero();

        assertDeliveredInOrder(emulator, 200, 100);
        assertThat(emulator.duplicateCount()).isZero();
        assertThat(backfill.report.delivered()).isEqualTo(20_000);
        assertThat(backfill.out).contains("events delivered", "20000");
        assertThat(files(backfill.inbox)).isEmpty();
        assertThat(files(backfill.done)).containsExactly("events-0.ndjson", "events-1.ndjson", "events-2.ndjson", "events-3.ndjson");
        assertThat(backfill.deadLetters).doesNotExist();
    }

    @Test
    void a_thousand_small_files_arrive_once_and_in_order_per_device_across_files() throws IOException {
        Backfill backfill = new Backfill(work, emulator);
        // an hourly export in miniature: each device's events spread over every file, in order
        List<String> parts = Events.timeOrderedFiles(40, 100, 1000);
        for (int i = 0; i < parts.size(); i++) {
            backfill.drop(String.format("hour-%04d.ndjson", i), parts.get(i));
        }

        assertThat(backfill.run()).as(backfill.err).isZero();

        assertDeliveredInOrder(emulator, 40, 100);
        assertThat(emulator.duplicateCount()).isZero();
        assertThat(files(backfill.inbox)).isEmpty();
        assertThat(files(backfill.done)).hasSize(1000);
    }

    @Test
    void many_devices_with_few_events_each_share_requests() throws IOException {
        Backfill backfill = new Backfill(work, emulator).set("amplitude.device-eps", "0");
        // 5,000 devices with 4 events each, in time order: one device's batch alone would be 4 events a request
        backfill.drop("events.ndjson", Events.timeOrderedFiles(5000, 4, 1).get(0));

        assertThat(backfill.run()).as(backfill.err).isZero();

        assertDeliveredInOrder(emulator, 5000, 4);
        assertThat(emulator.requestCount()).as("requests for 20,000 events").isLessThanOrEqualTo(40);
    }

    @Test
    void the_same_records_dropped_again_under_other_names_add_nothing() throws IOException {
        List<String> parts = Events.timeOrderedFiles(50, 20, 2);
        Backfill first = new Backfill(work.resolve("first"), emulator);
        first.drop("a.ndjson", parts.get(0));
        first.drop("b.ndjson", parts.get(1));
        assertThat(first.run()).isZero();
        assertThat(emulator.ingestedCount()).isEqualTo(1000);

        Backfill again = new Backfill(work.resolve("again"), emulator);
        again.drop("export-copy-2.ndjson", parts.get(1));
        again.drop("export-copy-1.jsonl", parts.get(0));
        assertThat(again.run()).isZero();

        assertThat(emulator.ingestedCount()).isEqualTo(1000);
        assertThat(emulator.duplicateCount()).isEqualTo(1000);
    }

    @Test
    void a_second_run_on_the_inbox_in_this_jvm_refuses_at_start_and_the_first_delivers_every_event_once() throws Exception {
        Backfill first = new Backfill(work.resolve("first"), emulator).set("backfill.run-once", "false");
        first.drop("events.ndjson", Events.timeOrderedFiles(20, 10, 1).get(0));
        CompletableFuture<Integer> running = CompletableFuture.supplyAsync(first::run);
        Backfill second = new Backfill(work.resolve("second"), emulator).set("backfill.inbox", first.inbox.toString());
        try {
            Events.awaitIngested(emulator, 200);
            first.drop("more.ndjson", ndjsonLine(0, 10) + "\n");

            assertThat(second.run()).as(second.err).isEqualTo(AmpfillApp.BAD_SETTINGS);

            Events.awaitIngested(emulator, 201);
        } finally {
            first.stop();
        }
        assertThat(running.get(30, TimeUnit.SECONDS)).as(first.err).isZero();
        assertThat(second.err.lines()).singleElement().asString()
                .startsWith("ampfill: another ampfill run is reading the inbox " + first.inbox);
        assertThat(emulator.duplicateCount()).isZero();
        assertThat(files(first.done)).containsExactly("events.ndjson", "more.ndjson");
        assertThat(second.done).doesNotExist();
    }

    @Test
    void a_file_dropped_again_under_an_archived_name_is_kept_beside_the_first_in_the_done_folder() throws IOException {
        String first = ndjsonLine(0, 0) + "\n";
        String second = ndjsonLine(0, 1) + "\n" + ndjsonLine(1, 1) + "\n";
        Backfill monday = new Backfill(work, emulator);
        monday.drop("export.ndjson", first);
        assertThat(monday.run()).as(monday.err).isZero();

        Backfill tuesday = new Backfill(work, emulator);
        tuesday.drop("export.ndjson", second);
        assertThat(tuesday.run()).as(tuesday.err).isZero();

        assertThat(emulator.ingestedCount()).isEqualTo(3);
        assertThat(files(tuesday.done)).containsExactly("export-2.ndjson", "export.ndjson");
        assertThat(tuesday.done.resolve("export.ndjson")).hasContent(first);
        assertThat(tuesday.done.resolve("export-2.ndjson")).hasContent(second);
    }

    @Test
    void a_folder_mixing_json_jsonl_csv_and_gzipped_ndjson_arrives_whole() throws IOException {
        Backfill backfill = new Backfill(work, emulator);
        // device 0..3 each get seq 0..3, one seq per file, so order across files is checked too
        backfill.drop("1-events.json", "[" + ndjsonLine(0, 0) + ",\n" + ndjsonLine(1, 0) + "]\n" + "");
        backfill.drop("1b-one.json", ndjsonLine(2, 0));
        backfill.drop("1c-one.json", ndjsonLine(3, 0));
        backfill.drop("2-events.jsonl", ndjsonLine(0, 1) + "\n" + ndjsonLine(1, 1) + "\n" + ndjsonLine(2, 1) + "\n" + ndjsonLine(3, 1) + "\n");
        StringBuilder csv = new StringBuilder("event_type,device_id,time,event_properties.seq,user_properties\n");
        for (int d = 0; d < 4; d++) {
            csv.append("Played Song,").append(Events.device(d)).append(',').append(Events.BASE_TIME + 2000)
                    .append(",2,\"{\"\"plan\"\":\"\"gold\"\"}\"\n");
        }
        backfill.drop("3-events.csv", csv.toString());
        StringBuilder ndjson = new StringBuilder();
        for (int d = 0; d < 4; d++) {
            ndjson.append(ndjsonLine(d, 3)).append('\n');
        }
        backfill.drop("4-events.ndjson.gz", gzip(ndjson.toString()));

        assertThat(backfill.run()).as(backfill.err).isZero();

        assertDeliveredInOrder(emulator, 4, 4);
        JsonNode fromCsv = emulator.ingestedEvents(Events.device(0)).get(2);
        assertThat(fromCsv.path("time").asLong()).isEqualTo(Events.BASE_TIME + 2000);
        assertThat(fromCsv.path("user_properties").path("plan").asText()).isEqualTo("gold");
    }

    @Test
    void delivers_every_valid_event_and_dead_letters_each_bad_line_with_its_reason() throws IOException {
        Backfill backfill = new Backfill(work, emulator);
        String lines = String.join("\n",
                ndjsonLine(0, 0),
                "{not json",
                ndjsonLine(0, 1),
                "[1,2,3]",
                "{\"event_type\":\"Played Song\",\"device_id\":\"device-0000\"}",
                "{\"event_type\":\"Played Song\",\"device_id\":\"null\",\"time\":1700000000000}",
                "{\"device_id\":\"device-0001\",\"time\":1700000000000}",
                "{\"event_type\":\"Played Song\",\"device_id\":\"abc\",\"time\":1700000000000}",
                ndjsonLine(0, 2),
                "{\"event_type\":\"Played Song\",\"device_id\":\"device-0002\",\"time\":\"yesterday\"}",
                "{\"event_type\":\"Played Song\",\"device_id\":\"device-0002\",\"time\":1700000000000,\"event_properties\":[1]}",
                ndjsonLine(0, 3)) + "\n";
        byte[] bytes = lines.getBytes(StandardCharsets.UTF_8);
        byte[] withBadUtf8 = new byte[bytes.length + 4];
        System.arraycopy(bytes, 0, withBadUtf8, 0, bytes.length);
        withBadUtf8[bytes.length] = '"';
        withBadUtf8[bytes.length + 1] = (byte) 0xC3;
        withBadUtf8[bytes.length + 2] = '"';
        withBadUtf8[bytes.length + 3] = '\n';
        backfill.drop("mixed.ndjson", withBadUtf8);

        assertThat(backfill.run()).as(backfill.err).isZero();

        assertDeliveredInOrder(emulator, 1, 4);
        List<JsonNode> rejected = new ArrayList<>();
        for (String line : Files.readAllLines(backfill.deadLetters.resolve("mixed.ndjson.rejected.ndjson"))) {
            rejected.add(JSON.readTree(line));
        }
        assertThat(rejected).extracting(r -> r.path("line").asInt()).containsExactly(2, 4, 5, 6, 7, 8, 10, 11, 13);
        assertThat(rejected).allSatisfy(r -> {
            assertThat(r.path("source").asText()).isEqualTo("mixed.ndjson");
            assertThat(r.path("reason").asText()).isNotBlank();
            assertThat(r.has("record") || r.has("raw")).isTrue();
        });
        assertThat(rejected.get(0).path("reason").asText()).startsWith("not valid JSON");
        assertThat(rejected.get(0).path("raw").asText()).isEqualTo("{not json");
        assertThat(rejected.get(1).path("reason").asText()).isEqualTo("not a JSON object");
        assertThat(rejected.get(2).path("reason").asText()).contains("time");
        assertThat(rejected.get(3).path("reason").asText()).contains("placeholder");
        assertThat(rejected.get(4).path("reason").asText()).contains("event_type");
        assertThat(rejected.get(5).path("reason").asText()).contains("shorter than 5");
        assertThat(rejected.get(8).path("reason").asText()).contains("UTF-8");
        assertThat(backfill.report.deadLettered()).isEqualTo(9);
        assertThat(files(backfill.deadLetters)).containsExactly("mixed.ndjson.rejected.ndjson");
    }

    @Test
    void a_file_name_as_long_as_the_file_system_allows_gets_its_dead_letters_and_the_files_after_it_are_read() throws IOException {
        Backfill backfill = new Backfill(work, emulator);
        // 250 bytes: a valid name, which the suffix .rejected.ndjson would take past the 255-byte limit
        String longName = "hourly-export-" + "x".repeat(229) + ".ndjson";
        assertThat(longName.length()).isEqualTo(250);
        backfill.drop(longName, ndjsonLine(0, 0) + "\n{not json\n" + ndjsonLine(0, 1) + "\n");
        backfill.drop("later.ndjson", ndjsonLine(0, 2) + "\n{not json either\n");

        assertThat(backfill.run()).as(backfill.err).isZero();

        assertDeliveredInOrder(emulator, 1, 3);
        assertThat(files(backfill.done)).containsExactly(longName, "later.ndjson");
        List<String> deadLetterFiles = files(backfill.deadLetters);
        assertThat(deadLetterFiles).hasSize(2).contains("later.ndjson.rejected.ndjson");
        String shortened = deadLetterFiles.stream().filter(n -> n.startsWith("hourly-export-")).findFirst().orElseThrow();
        assertThat(shortened.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(255);
        assertThat(shortened).matches("hourly-export-x+\\.\\.\\.x+\\.ndjson~[0-9a-f]{12}\\.rejected\\.ndjson");
        List<String> lines = Files.readAllLines(backfill.deadLetters.resolve(shortened));
        assertThat(lines).hasSize(1);
        assertThat(JSON.readTree(lines.get(0)).path("source").asText()).as("the line names the file in full").isEqualTo(longName);
        assertThat(JSON.readTree(lines.get(0)).path("line").asInt()).isEqualTo(2);
    }

    @Test
    void a_dry_run_without_api_key_uses_the_emulator_and_leaves_the_inbox_as_it_was() throws IOException {
        Backfill backfill = new Backfill(work, null);
        List<String> parts = Events.timeOrderedFiles(10, 10, 1);
        Path file = backfill.drop("events.ndjson", parts.get(0));
        long modified = Files.getLastModifiedTime(file).toMillis();

        assertThat(backfill.run()).as(backfill.err).isZero();

        assertThat(backfill.out).contains("dry run").contains("events delivered").contains("100");
        assertThat(files(backfill.inbox)).containsExactly("events.ndjson");
        assertThat(Files.getLastModifiedTime(file).toMillis()).isEqualTo(modified);
        assertThat(backfill.done).doesNotExist();
        assertThat(emulator.requestCount()).isZero();
    }

    @Test
    void a_run_once_ends_when_its_last_event_is_acknowledged_not_a_poll_later() throws IOException {
        // a poll delay far longer than the run: the run used to end only at the first poll after the last
        // acknowledgement, 30 s after the file was read
        Backfill backfill = new Backfill(work, emulator).set("backfill.poll-delay", "30s");
        backfill.drop("events.ndjson", Events.timeOrderedFiles(20, 10, 1).get(0));

        long start = System.nanoTime();
        assertThat(backfill.run()).as(backfill.err).isZero();
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);

        assertDeliveredInOrder(emulator, 20, 10);
        assertThat(files(backfill.done)).containsExactly("events.ndjson");
        assertThat(seconds).as("seconds the run took").isLessThan(15);
    }

    @Test
    void a_state_store_that_cannot_be_opened_stops_the_start_with_one_line_and_touches_nothing() throws IOException {
        Path notAFolder = Files.writeString(work.resolve("not-a-folder"), "x");
        Backfill backfill = new Backfill(work, emulator)
                .set("backfill.state.url", "jdbc:h2:file:" + notAFolder.resolve("state").toAbsolutePath())
                .set("backfill.state.password", "store-secret-4711");
        backfill.drop("events.ndjson", Events.timeOrderedFiles(2, 2, 1).get(0));

        assertThat(backfill.run()).isEqualTo(AmpfillApp.BAD_SETTINGS);

        assertThat(backfill.err.lines().toList()).as(backfill.err).singleElement().asString()
                .startsWith("ampfill: backfill.state.url: cannot open the state store jdbc:h2:file:")
                .contains("not-a-folder")
                .doesNotContain("store-secret-4711");
        assertThat(files(backfill.inbox)).containsExactly("events.ndjson");
        assertThat(emulator.requestCount()).isZero();
    }

    @Test
    void a_fixed_dead_letter_file_dropped_back_into_the_inbox_is_delivered() throws IOException {
        Backfill first = new Backfill(work.resolve("first"), emulator);
        first.drop("events.ndjson", ndjsonLine(0, 0) + "\n"
                + "{\"event_type\":\"Played Song\",\"device_id\":\"device-0000\",\"time\":1700000001}\n"
                + "{\"event_type\":\"Played Song\",\"device_id\":\"device-0000\",\"time\":\n");
        assertThat(first.run()).isZero();
        Path rejected = first.deadLetters.resolve("events.ndjson.rejected.ndjson");
        // a person fixes the record of the first line and the raw text of the second, nothing else
        List<String> lines = Files.readAllLines(rejected);
        assertThat(lines).hasSize(2);
        ObjectNode seconds = (ObjectNode) JSON.readTree(lines.get(0));
        ((ObjectNode) seconds.get("record")).put("time", 1700000001000L).putObject("event_properties").put("seq", 1);
        ObjectNode cutShort = (ObjectNode) JSON.readTree(lines.get(1));
        cutShort.put("raw", cutShort.get("raw").asText() + "1700000002000,\"event_properties\":{\"seq\":2}}");
        String fixed = JSON.writeValueAsString(seconds) + "\n" + JSON.writeValueAsString(cutShort) + "\n";

        Backfill retry = new Backfill(work.resolve("retry"), emulator);
        retry.drop("events.ndjson.rejected.ndjson", fixed);
        assertThat(retry.run()).as(retry.err).isZero();

        assertThat(Events.seqs(emulator, Events.device(0))).containsExactly(0, 1, 2);
        assertThat(retry.deadLetters).doesNotExist();
    }

    @Test
    void every_dead_letter_carries_its_record_or_raw_or_says_what_is_not_kept_and_the_fixed_ones_go_through() throws IOException {
        Backfill first = new Backfill(work.resolve("first"), emulator);
        byte[] badUtf8 = SourceBytes.concat("{\"event_type\":\"Played Song\",\"device_id\":\"device-0000\",\"time\":1700000009000,\"s\":\"caf",
                new byte[]{(byte) 0xE9}, "\"}\n");
        first.drop("a.ndjson", SourceBytes.concat(ndjsonLine(0, 0) + "\n", badUtf8,
                "{\"big\":\"" + "x".repeat(21 << 20) + "\"}\n"
                + "{\"event_type\":\"Played Song\",\"device_id\":\"device-0000\",\"time\":1700000001}\n"
                + "{\"event_type\":\"Played Song\",\"device_id\":\"device-0000\",\"time\":\n"));
        first.drop("b.json", "[" + ndjsonLine(1, 0) + ",\n{\"event_type\":\"Played Song\",\"n\":NaN},\n" + ndjsonLine(1, 1) + "]");
        first.drop("c.csv", "event_type,device_id,time,event_properties.seq\n"
                + "Played Song,device-0002,1700000000000,0\n"
                + "Played Song,device-0002,1700000001000,1,extra\n"
                + "Played Song,\"device-0002,1700000002000,2\n");
        byte[] gzipped = gzip((ndjsonLine(3, 0) + "\n").repeat(2000));
        first.drop("d.ndjson.gz", java.util.Arrays.copyOf(gzipped, gzipped.length / 2));
        assertThat(first.run()).as(first.err).isZero();

        java.util.Map<String, JsonNode> byReason = new java.util.TreeMap<>();
        for (String file : files(first.deadLetters)) {
            for (String line : Files.readAllLines(first.deadLetters.resolve(file))) {
                JsonNode letter = JSON.readTree(line);
                assertThat(letter.path("reason").asText()).as(line).isNotBlank();
                assertThat(Stream.of("record", "raw", "not_kept").filter(letter::has)).as("record, raw or not_kept: %s", line).hasSize(1);
                assertThat(letter.path("not_kept").asText("x")).as(line).isNotBlank();
                byReason.put(letter.path("source").asText() + " " + letter.path("line").asInt(), letter);
            }
        }
        assertThat(byReason.keySet()).containsExactlyInAnyOrder("a.ndjson 2", "a.ndjson 3", "a.ndjson 4", "a.ndjson 5", "b.json 2",
                "c.csv 3", "c.csv 4", "d.ndjson.gz " + byReason.keySet().stream().filter(k -> k.startsWith("d.")).findFirst().orElseThrow().substring(12));
        assertThat(byReason.get("a.ndjson 2").path("raw").asText()).contains("caf\uFFFD");
        assertThat(byReason.get("a.ndjson 3").path("not_kept").asText()).isEqualTo("the line, too long to keep here: it is line 3 of the source file");
        assertThat(byReason.get("a.ndjson 4").has("record")).isTrue();
        assertThat(byReason.get("b.json 2").path("not_kept").asText()).startsWith("the rest of the file, from this line on");
        assertThat(byReason.get("c.csv 3").path("raw").asText()).isEqualTo("event_type,device_id,time,event_properties.seq\n"
                + "Played Song,device-0002,1700000001000,1,extra");
        assertThat(byReason.get("c.csv 4").path("not_kept").asText()).startsWith("the rest of the file");
        assertThat(byReason.values().stream().filter(l -> l.path("source").asText().startsWith("d.")).findFirst().orElseThrow()
                .path("not_kept").asText()).startsWith("the rest of the file");

        // a person mends what can be mended and drops the dead letters back, a line with nothing to send among them
        ObjectNode seconds = (ObjectNode) byReason.get("a.ndjson 4");
        ((ObjectNode) seconds.get("record")).put("time", 1700000001000L).putObject("event_properties").put("seq", 1);
        ObjectNode cutShort = (ObjectNode) byReason.get("a.ndjson 5");
        cutShort.put("raw", cutShort.get("raw").asText() + "1700000002000,\"event_properties\":{\"seq\":2}}");
        ObjectNode misaligned = (ObjectNode) byReason.get("c.csv 3");
        misaligned.put("raw", misaligned.get("raw").asText().replace(",extra", ""));
        Backfill retry = new Backfill(work.resolve("retry"), emulator);
        retry.drop("mended.ndjson", JSON.writeValueAsString(seconds) + "\n" + JSON.writeValueAsString(cutShort) + "\n"
                + JSON.writeValueAsString(misaligned) + "\n" + JSON.writeValueAsString(byReason.get("a.ndjson 3")) + "\n");
        assertThat(retry.run()).as(retry.err).isZero();

        assertThat(Events.seqs(emulator, Events.device(0))).containsExactly(0, 1, 2);
        assertThat(Events.seqs(emulator, Events.device(2))).containsExactly(0, 1);
        List<String> again = new ArrayList<>();
        for (String file : files(retry.deadLetters)) {
            again.addAll(Files.readAllLines(retry.deadLetters.resolve(file)));
        }
        assertThat(again).singleElement().satisfies(line -> {
            JsonNode letter = JSON.readTree(line);
            assertThat(letter.path("reason").asText()).isEqualTo("nothing to send again: the dead letter has no record, as its input was not kept");
            assertThat(letter.path("not_kept").asText()).isEqualTo("the line, too long to keep here: it is line 3 of the source file");
        });
    }

    @Test
    void watching_the_inbox_takes_files_dropped_later_and_never_half_written_ones() throws Exception {
        Backfill backfill = new Backfill(work, emulator)
                .set("backfill.run-once", "false")
                .set("backfill.file-min-age", "2s");
        CompletableFuture<Integer> run = CompletableFuture.supplyAsync(backfill::run);
        try {
            backfill.drop("a.ndjson", ndjsonLine(0, 0) + "\n" + ndjsonLine(1, 0) + "\n");
            Events.awaitIngested(emulator, 2);

            // written in two halves while ampfill watches: it must wait for the whole file
            Path b = backfill.inbox.resolve("b.ndjson");
            Files.writeString(b, ndjsonLine(0, 1) + "\n" + ndjsonLine(1, 1) + "\n");
            Thread.sleep(600);
            Files.writeString(b, ndjsonLine(0, 2) + "\n" + ndjsonLine(1, 2) + "\n", StandardOpenOption.APPEND);
            Events.awaitIngested(emulator, 6);
        } finally {
            backfill.stop();
        }
        assertThat(run.get(30, TimeUnit.SECONDS)).as(backfill.err).isZero();

        assertDeliveredInOrder(emulator, 2, 3);
        assertThat(files(backfill.done)).containsExactly("a.ndjson", "b.ndjson");
        assertThat(Files.readAllLines(backfill.done.resolve("b.ndjson"))).hasSize(4);
        assertThat(backfill.report.recordsRead()).isEqualTo(6);
    }

    @Test
    void names_with_a_newline_or_in_capitals_are_read_in_name_order() throws IOException {
        Backfill backfill = new Backfill(work, emulator);
        backfill.drop("hour-00.ndjson", ndjsonLine(0, 0) + "\n");
        backfill.drop("hour-01\nlate copy.ndjson", ndjsonLine(0, 1) + "\n");
        backfill.drop("hour-02.NDJSON", ndjsonLine(0, 2) + "\n");

        assertThat(backfill.run()).as(backfill.log).isZero();

        assertThat(Events.seqs(emulator, Events.device(0))).containsExactly(0, 1, 2);
        assertThat(files(backfill.inbox)).isEmpty();
    }

    @Test
    void entries_that_cannot_be_read_are_each_named_once_with_the_reason_and_the_other_files_arrive() throws Exception {
        assumeTrue(Files.exists(Path.of("/proc/self/mem")) && Files.exists(Path.of("/usr/bin/mkfifo")),
                "needs Linux (/proc/self/mem, mkfifo): skipped");
        Backfill backfill = new Backfill(work, emulator);
        backfill.drop("hour-00.ndjson", ndjsonLine(0, 0) + "\n");
        Files.createDirectory(backfill.inbox.resolve("hour-01.ndjson"));
        shell(backfill.inbox, "mkfifo hour-02.ndjson");
        Files.createSymbolicLink(backfill.inbox.resolve("hour-03.ndjson"), Path.of("nothing-here.ndjson"));
        // reading a process's own memory at offset 0 fails with an I/O error, as a bad disk would
        Files.createSymbolicLink(backfill.inbox.resolve("hour-04.ndjson"), Path.of("/proc/self/mem"));
        shell(backfill.inbox, "printf '%s\\n' '" + ndjsonLine(0, 9) + "' > \"$(printf 'hour-05-\\377.ndjson')\"");
        backfill.drop("hour-06.ndjson", ndjsonLine(0, 1) + "\n");
        backfill.drop("notes.txt", "not events");
        backfill.drop(".hour-07.ndjson.part", "being copied");

        assertThat(backfill.run()).as(backfill.log).isEqualTo(AmpfillApp.FATAL);

        assertThat(Events.seqs(emulator, Events.device(0))).containsExactly(0, 1);
        List<String> told = backfill.log.lines().filter(line -> line.contains(" is not read: ")).toList();
        assertThat(told).as(backfill.log).hasSize(5);
        String inbox = backfill.inbox + "/";
        assertThat(backfill.log)
                .contains(inbox + "hour-01.ndjson is not read: it is a folder, not a file")
                .contains(inbox + "hour-02.ndjson is not read: it is not a regular file")
                .contains(inbox + "hour-03.ndjson is not read: it is a link to a file that does not exist")
                .contains(inbox + "hour-04.ndjson is not read: reading it failed: Input/output error")
                .contains(inbox + "hour-05-?.ndjson is not read: its name holds bytes that are not UTF-8")
                .contains(backfill.inbox + ": 2 entries ignored: .hour-07.ndjson.part, notes.txt");
        assertThat(backfill.out).contains("files not read", "5");
        assertThat(files(backfill.inbox)).hasSize(7);

        // the next run is not stopped by them either
        Backfill next = new Backfill(work, emulator);
        next.drop("hour-08.ndjson", ndjsonLine(0, 2) + "\n");
        assertThat(next.run()).as(next.log).isEqualTo(AmpfillApp.FATAL);
        assertThat(Events.seqs(emulator, Events.device(0))).containsExactly(0, 1, 2);
        assertThat(next.log.lines().filter(line -> line.contains(" is not read: "))).hasSize(5);
    }

    @Test
    void a_file_without_read_permission_is_named_and_the_others_arrive() throws IOException {
        assumeFalse("root".equals(System.getProperty("user.name")), "root reads any file: skipped");
        Backfill backfill = new Backfill(work, emulator);
        Path locked = backfill.drop("hour-00.ndjson", ndjsonLine(0, 0) + "\n");
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        backfill.drop("hour-01.ndjson", ndjsonLine(1, 0) + "\n");

        assertThat(backfill.run()).as(backfill.log).isEqualTo(AmpfillApp.FATAL);

        assertThat(backfill.log).contains(backfill.inbox + "/hour-00.ndjson is not read: permission denied");
        assertThat(Events.seqs(emulator, Events.device(1))).containsExactly(0);
        assertThat(files(backfill.inbox)).containsExactly("hour-00.ndjson");
    }

    private static void shell(Path dir, String command) throws IOException {
        try {
            Process p = new ProcessBuilder("/bin/sh", "-c", command).directory(dir.toFile()).inheritIO().start();
            assertThat(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0).as(command).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** The names in the folder, but for the inbox's lock file (a run leaves it there, by design). */
    static List<String> files(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).filter(name -> !name.equals(InboxLock.FILE_NAME)).sorted().toList();
        }
    }

    /** Text and bytes, one after the other, as a file's content. */
    private static final class SourceBytes {
        static byte[] concat(Object... parts) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (Object part : parts) {
                out.writeBytes(part instanceof byte[] bytes ? bytes : part.toString().getBytes(StandardCharsets.UTF_8));
            }
            return out.toByteArray();
        }
    }

    static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }
}

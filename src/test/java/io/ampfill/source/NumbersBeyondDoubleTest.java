package io.ampfill.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ampfill.deadletter.DeadLetterStore;
import io.ampfill.event.TreeMapper;
import io.ampfill.event.LineMapper;
import io.ampfill.event.MappingResult;
import io.ampfill.event.MappingSettings;
import io.ampfill.event.Rejection;
import io.ampfill.ledger.AckLedger;
import io.ampfill.ledger.SourceUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.ampfill.source.SourceFiles.write;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A number no double holds (1e400) is refused with its digits, from every format, and its dead letter keeps them:
 * Jackson read it as Infinity and wrote that as the string "Infinity", which went out, and into dead letters, in
 * the number's place.
 */
class NumbersBeyondDoubleTest {
    private static final MappingSettings SETTINGS = new MappingSettings();
    private static final String BASE = "\"event_type\":\"play\",\"device_id\":\"device-1\",\"time\":1709294400000";
    private static final String BEYOND = ", beyond a double's range (about 1.8E308)";

    @TempDir
    Path dir;

    private static List<MappingResult> mapAll(Path file) throws Exception {
        List<SourceRecord> records = new ArrayList<>();
        try (RecordReader reader = RecordReaders.open(file, new LineMapper(SETTINGS))) {
            while (reader.readChunk(records, 100)) {
                // reads all
            }
        }
        TreeMapper mapper = new TreeMapper(SETTINGS);
        return records.stream().map(r -> r.mapped() != null ? r.mapped() : mapper.map(r.value())).toList();
    }

    @Test
    void refuses_a_number_beyond_a_double_with_its_digits_from_every_format() throws Exception {
        String ndjson = "{" + BASE + ",\"event_properties\":{\"big\":1e400}}\n"
                + "{" + BASE + ",\"event_properties\":{\"list\":[1,-1.5e400]}}\n"
                + "{" + BASE + ",\"score\":1" + "0".repeat(400) + "}\n"
                + "{" + BASE + ",\"price\":1e400}\n"
                + "{" + BASE + ",\"session_id\":1e400}\n"
                + "{" + BASE + ",\"event_properties\":{\"small\":1e-400,\"large\":1.7e308}}\n";
        List<MappingResult> results = mapAll(write(dir, "a.ndjson", ndjson));
        assertThat(results.subList(0, 5)).containsExactly(
                new Rejection("event_properties", "number too large to send: event_properties.big is 1E+400" + BEYOND),
                new Rejection("event_properties", "number too large to send: event_properties.list[1] is -1.5E+400" + BEYOND),
                new Rejection("event_properties", "number too large to send: event_properties.score is 1" + "0".repeat(79) + "..." + BEYOND),
                new Rejection("price", "number too large to send: price is 1E+400" + BEYOND),
                new Rejection("session_id", "number too large to send: session_id is 1E+400" + BEYOND));
        assertThat(results.get(5)).as("a double holds these, rounded as any decimal is").isNotInstanceOf(Rejection.class);

        List<MappingResult> fromDocument = mapAll(write(dir, "a.json", "[" + String.join(",", ndjson.strip().split("\n")) + "]"));
        assertThat(fromDocument.subList(0, 5)).isEqualTo(results.subList(0, 5));
        assertThat(fromDocument.get(5)).isInstanceOfSatisfying(io.ampfill.event.MappedEvent.class, e ->
                assertThat(e.insertId()).isEqualTo(((io.ampfill.event.MappedEvent) results.get(5)).insertId()));

        Path csv = write(dir, "a.csv", "event_type,device_id,time,price,event_properties\n"
                + "play,device-1,1709294400000,1e400,\n"
                + "play,device-1,1709294400000,,\"{\"\"big\"\":1e400}\"\n");
        assertThat(mapAll(csv)).containsExactly(
                new Rejection("price", "number too large to send: price is \"1e400\"" + BEYOND),
                new Rejection("event_properties", "number too large to send: event_properties.big is 1E+400" + BEYOND));
    }

    @Test
    void keeps_the_digits_in_the_dead_letter() throws Exception {
        Path file = write(dir, "b.ndjson", "{" + BASE + ",\"event_properties\":{\"big\":1e400}}\n");
        List<SourceRecord> records = new ArrayList<>();
        try (RecordReader reader = RecordReaders.open(file)) {
            while (reader.readChunk(records, 10)) {
                // reads all
            }
        }
        Path deadLetters = dir.resolve("dead");
        try (DeadLetterStore store = new DeadLetterStore(deadLetters)) {
            SourceUnit unit = new AckLedger(store.untracked()).open("b.ndjson");
            store.write(unit, unit.nextOrdinal(), 1, "number too large to send", records.get(0).value());
        }
        String line = Files.readString(deadLetters.resolve("b.ndjson.rejected.ndjson"));
        assertThat(line).contains("\"big\":1E+400").doesNotContain("Infinity");
        JsonNode again = new ObjectMapper().readTree(line).get("record");
        assertThat(again.get("event_properties").get("big").isNumber()).isTrue();
    }
}

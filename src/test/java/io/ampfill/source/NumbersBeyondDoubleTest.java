package io.ampfill.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ampfill.deadletter.DeadLetterStore;
import io.ampfill.event.MappedEvent;
import io.ampfill.event.MappingSettings;
import io.ampfill.event.RecordMapper;
import io.ampfill.event.Refused;
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

    /** What becomes of each record of the file, as the run maps it: why it is refused, or the insert_id it is sent with. */
    private static List<String> fates(Path file) throws Exception {
        List<SourceRecord> records = new ArrayList<>();
        try (RecordReader reader = RecordReaders.open(file)) {
            while (reader.readChunk(records, 100)) {
                // reads all
            }
        }
        RecordMapper mapper = new RecordMapper(SETTINGS);
        return records.stream().map(mapper::map).map(outcome -> outcome instanceof MappedEvent event
                ? "sent as " + event.insertId() : ((Refused) outcome).reason()).toList();
    }

    @Test
    void refuses_a_number_beyond_a_double_with_its_digits_from_every_format() throws Exception {
        String ndjson = "{" + BASE + ",\"event_properties\":{\"big\":1e400}}\n"
                + "{" + BASE + ",\"event_properties\":{\"list\":[1,-1.5e400]}}\n"
                + "{" + BASE + ",\"score\":1" + "0".repeat(400) + "}\n"
                + "{" + BASE + ",\"price\":1e400}\n"
                + "{" + BASE + ",\"session_id\":1e400}\n"
                + "{" + BASE + ",\"event_properties\":{\"small\":1e-400,\"large\":1.7e308}}\n";
        List<String> results = fates(write(dir, "a.ndjson", ndjson));
        assertThat(results.subList(0, 5)).containsExactly(
                "number too large to send: event_properties.big is 1E+400" + BEYOND,
                "number too large to send: event_properties.list[1] is -1.5E+400" + BEYOND,
                "number too large to send: event_properties.score is 1" + "0".repeat(79) + "..." + BEYOND,
                "number too large to send: price is 1E+400" + BEYOND,
                "number too large to send: session_id is 1E+400" + BEYOND);
        assertThat(results.get(5)).as("a double holds these, rounded as any decimal is").startsWith("sent as ");

        assertThat(fates(write(dir, "a.json", "[" + String.join(",", ndjson.strip().split("\n")) + "]"))).isEqualTo(results);

        Path csv = write(dir, "a.csv", "event_type,device_id,time,price,event_properties\n"
                + "play,device-1,1709294400000,1e400,\n"
                + "play,device-1,1709294400000,,\"{\"\"big\"\":1e400}\"\n");
        assertThat(fates(csv)).containsExactly(
                "number too large to send: price is \"1e400\"" + BEYOND,
                "number too large to send: event_properties.big is 1E+400" + BEYOND);
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
            store.write(unit, unit.nextOrdinal(), 1, "number too large to send", Records.value(records.get(0)));
        }
        String line = Files.readString(deadLetters.resolve("b.ndjson.rejected.ndjson"));
        assertThat(line).contains("\"big\":1E+400").doesNotContain("Infinity");
        JsonNode again = new ObjectMapper().readTree(line).get("record");
        assertThat(again.get("event_properties").get("big").isNumber()).isTrue();
    }
}

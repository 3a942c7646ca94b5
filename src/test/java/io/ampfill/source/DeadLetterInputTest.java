package io.ampfill.source;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static io.ampfill.source.Records.raw;
import static io.ampfill.source.Records.reason;
import static io.ampfill.source.Records.value;
import static io.ampfill.source.SourceFiles.readAll;
import static io.ampfill.source.SourceFiles.write;
import static org.assertj.core.api.Assertions.assertThat;

class DeadLetterInputTest {
    @TempDir
    Path dir;

    @Test
    void yields_the_original_record_of_a_dead_letter_line() throws Exception {
        Path file = write(dir, "dead.ndjson",
                "{\"reason\":\"missing field time\",\"source\":\"a.ndjson\",\"line\":3,\"record\":{\"event_type\":\"play\",\"time\":1700000000000}}\n");
        assertThat(readAll(file)).singleElement().satisfies(r -> {
            assertThat(value(r).toString()).isEqualTo("{\"event_type\":\"play\",\"time\":1700000000000}");
            assertThat(r.line()).isEqualTo(1);
        });
    }

    @Test
    void parses_the_fixed_raw_text_of_a_dead_letter_line() throws Exception {
        Path file = write(dir, "dead.ndjson",
                "{\"reason\":\"not valid JSON: x\",\"source\":\"a.ndjson\",\"line\":4,\"raw\":\"{\\\"event_type\\\":\\\"play\\\"}\"}\n");
        assertThat(readAll(file)).singleElement().satisfies(r -> assertThat(value(r).toString()).isEqualTo("{\"event_type\":\"play\"}"));
    }

    @Test
    void reports_raw_text_that_still_does_not_parse_with_the_raw_text_alone() throws Exception {
        Path file = write(dir, "dead.ndjson",
                "{\"reason\":\"not valid JSON: x\",\"source\":\"a.ndjson\",\"line\":4,\"raw\":\"{\\\"event_type\\\":\"}\n"
                        + "{\"reason\":\"not a JSON object\",\"source\":\"a.ndjson\",\"line\":5,\"raw\":\"[1]\"}\n");
        List<SourceRecord> records = readAll(file);
        assertThat(records.get(0)).satisfies(r -> {
            assertThat(reason(r)).startsWith("not valid JSON: ");
            assertThat(raw(r)).isEqualTo("{\"event_type\":");
        });
        assertThat(reason(records.get(1))).isEqualTo("not a JSON object");
        assertThat(raw(records.get(1))).isEqualTo("[1]");
    }

    @Test
    void round_trips_a_rejected_line_through_a_dead_letter_file() throws Exception {
        Path original = write(dir, "a.ndjson", "{\"event_type\":\"play\",\"user_id\":\"u\"}\nnot json\n");
        List<SourceRecord> first = readAll(original);
        // what the dead-letter store writes for them, fixed by a user where needed
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        String recordLine = json.createObjectNode().put("reason", "user_id \"u\" is shorter than 5 characters").put("source", "a.ndjson")
                .put("line", first.get(0).line()).set("record", value(first.get(0))).toString();
        String rawLine = json.createObjectNode().put("reason", reason(first.get(1))).put("source", "a.ndjson")
                .put("line", first.get(1).line()).put("raw", "{\"event_type\":\"fixed\"}").toString();
        List<SourceRecord> again = readAll(write(dir, "dead.ndjson", recordLine + "\n" + rawLine + "\n"));
        assertThat(value(again.get(0))).isEqualTo(value(first.get(0)));
        assertThat(value(again.get(1)).get("event_type").asText()).isEqualTo("fixed");
    }

    @Test
    void leaves_an_event_that_merely_has_a_reason_field_alone() throws Exception {
        Path file = write(dir, "a.ndjson", "{\"event_type\":\"cancel\",\"reason\":\"too expensive\",\"record\":{\"x\":1}}\n");
        assertThat(value(readAll(file).get(0)).get("event_type").asText()).isEqualTo("cancel");
    }

    @Test
    void reads_a_dead_letter_record_given_as_json_text_in_a_csv_column() throws Exception {
        Path file = write(dir, "dead.csv", "reason,source,line,record\nr,a.ndjson,3,\"{\"\"n\"\":1}\"\n");
        assertThat(value(readAll(file).get(0)).toString()).isEqualTo("{\"n\":1}");
    }

    @Test
    void unwraps_dead_letter_objects_in_a_json_array_too() throws Exception {
        Path file = write(dir, "dead.json", "[{\"reason\":\"r\",\"source\":\"s\",\"line\":1,\"record\":{\"n\":1}}]");
        assertThat(value(readAll(file).get(0)).toString()).isEqualTo("{\"n\":1}");
    }
}

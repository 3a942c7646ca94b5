package io.ampfill.source;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Reads ampfill's own dead-letter lines back as the records they hold, so a user can fix a dead-letter file
 * and drop it into the folder again. A line is one when it has {@code reason} and {@code source}, and either a
 * {@code record} object (yielded as is; as JSON text, from a CSV column, it is parsed) or, for input that did
 * not parse, a {@code raw} string and no record (parsed anew).
 */
final class DeadLetterInput {

    private DeadLetterInput() {
    }

    static SourceRecord recordOf(long line, ObjectNode object) {
        if (!object.has("reason") || !object.has("source")) {
            return SourceRecord.of(line, object);
        }
        JsonNode record = object.get("record");
        if (record instanceof ObjectNode original) {
            return SourceRecord.of(line, original);
        }
        if (record != null && record.isTextual()) {
            return parseRaw(line, record.textValue());
        }
        JsonNode raw = object.get("raw");
        if (record == null && raw != null && raw.isTextual()) {
            return parseRaw(line, raw.textValue());
        }
        return SourceRecord.of(line, object);
    }

    private static SourceRecord parseRaw(long line, String raw) {
        JsonNode parsed;
        try {
            parsed = RecordReaders.JSON.readTree(raw);
        } catch (JacksonException e) {
            return SourceRecord.unparsable(line, raw, JsonErrorText.reason(e, "not valid JSON"));
        }
        if (parsed instanceof ObjectNode object) {
            return SourceRecord.of(line, object);
        }
        return SourceRecord.unparsable(line, raw, RecordReaders.NOT_AN_OBJECT);
    }
}

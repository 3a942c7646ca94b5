package io.ampfill.source;

import com.fasterxml.jackson.databind.JsonNode;
import io.ampfill.event.MappedEvent;

/**
 * One record read from a source, with its 1-based line number: a parsed JSON value, or the event the NDJSON
 * reader already mapped it to on its fast path (then value is null), or the raw text and why it could not be parsed.
 */
public record SourceRecord(long line, JsonNode value, String raw, String error, MappedEvent mapped) {

    public SourceRecord(long line, JsonNode value, String raw, String error) {
        this(line, value, raw, error, null);
    }

    public boolean parsed() {
        return error == null;
    }

    static SourceRecord of(long line, JsonNode value) {
        return new SourceRecord(line, value, null, null);
    }

    static SourceRecord mapped(long line, MappedEvent event) {
        return new SourceRecord(line, null, null, null, event);
    }

    static SourceRecord unparsable(long line, String raw, String error) {
        return new SourceRecord(line, null, raw, error);
    }
}

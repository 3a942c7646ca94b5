package io.ampfill.source;

import com.fasterxml.jackson.databind.JsonNode;

/** One record read from a source, with its 1-based line number; either a parsed JSON value or the raw text and why it could not be parsed. */
public record SourceRecord(long line, JsonNode value, String raw, String error) {

    public boolean parsed() {
        return error == null;
    }

    static SourceRecord of(long line, JsonNode value) {
        return new SourceRecord(line, value, null, null);
    }

    static SourceRecord unparsable(long line, String raw, String error) {
        return new SourceRecord(line, null, raw, error);
    }
}

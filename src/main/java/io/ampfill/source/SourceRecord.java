package io.ampfill.source;

import com.fasterxml.jackson.databind.JsonNode;
import io.ampfill.event.MappedEvent;

/**
 * One record read from a source, with its 1-based line number: a parsed JSON value, or the event the NDJSON
 * reader already mapped it to on its line path (then value is null), or the raw text and why it could not be parsed.
 * Where not even the raw text could be kept (a line too long, the unreadable rest of a file), notKept says what is
 * missing, for the dead letter to say so.
 */
public record SourceRecord(long line, JsonNode value, String raw, String error, MappedEvent mapped, String notKept) {

    public SourceRecord(long line, JsonNode value, String raw, String error) {
        this(line, value, raw, error, null, null);
    }

    public boolean parsed() {
        return error == null;
    }

    static SourceRecord of(long line, JsonNode value) {
        return new SourceRecord(line, value, null, null);
    }

    static SourceRecord mapped(long line, MappedEvent event) {
        return new SourceRecord(line, null, null, null, event, null);
    }

    static SourceRecord unparsable(long line, String raw, String error) {
        return new SourceRecord(line, null, raw, error);
    }

    /** Input that could not be kept, not even as text: notKept says what is missing and where it is. */
    static SourceRecord unkept(long line, String error, String notKept) {
        return new SourceRecord(line, null, null, error, null, notKept);
    }

    /** What a reader that stops at this record leaves unread. */
    static final String REST_OF_FILE = "the rest of the file, from this line on: it cannot be read past this point";
}

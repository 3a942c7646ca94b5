package io.ampfill.source;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;

/**
 * One record as a source read it, with its 1-based line number (a row's, for a database): an NDJSON line not yet
 * parsed, a parsed object, or input that could not be read. Readers only read; what a record means as an event is
 * io.ampfill.event's to decide, which takes every kind.
 */
public sealed interface SourceRecord permits SourceRecord.Line, SourceRecord.Tree, SourceRecord.Unreadable {

    long line();

    /**
     * An NDJSON line as it is in the file: bytes [offset, offset + length) of bytes, valid UTF-8 and not blank,
     * without its line end (or the file's byte order mark). bytes is the reader's buffer, shared with the lines
     * around it and never written again once the line is handed out: read it, do not change it.
     */
    record Line(long line, byte[] bytes, int offset, int length) implements SourceRecord {

        /** The line parsed as the other formats' records are: a {@link Tree}, or {@link Unreadable} saying why not. */
        public SourceRecord parsed() {
            return NdjsonReader.parse(this);
        }

        /** The line as text. */
        public String text() {
            return new String(bytes, offset, length, StandardCharsets.UTF_8);
        }
    }

    /** A parsed record: a JSON object (of a JSON document, a CSV row, a database row or an NDJSON line). */
    record Tree(long line, ObjectNode value) implements SourceRecord {
    }

    /**
     * Input that could not be read as a record: why (reason), and its text (raw), or, where not even that could be
     * kept (a line too long, the unreadable rest of a file), what is missing (notKept): the dead letter says so.
     * Exactly one of raw and notKept is set.
     */
    record Unreadable(long line, String raw, String reason, String notKept) implements SourceRecord {

        /** Input whose text is kept, and why it is not a record. */
        public static Unreadable text(long line, String raw, String reason) {
            return new Unreadable(line, raw, reason, null);
        }

        /** Input that could not be kept, not even as text: notKept says what is missing and where it is. */
        public static Unreadable notKept(long line, String reason, String notKept) {
            return new Unreadable(line, null, reason, notKept);
        }

        /** The same input, its reason prefixed with where it is (a users file's name and line, say). */
        public Unreadable at(String where) {
            return new Unreadable(line, raw, where + reason, notKept);
        }
    }
}

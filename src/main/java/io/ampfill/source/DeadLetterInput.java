package io.ampfill.source;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ampfill.source.SourceRecord.Tree;
import io.ampfill.source.SourceRecord.Unreadable;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads ampfill's own dead-letter lines back as the records they hold, so a user can fix a dead-letter file
 * and drop it into the folder again. A line is one when it has {@code reason} and {@code source}, and either a
 * {@code record} object (yielded as is; as JSON text, from a CSV column, it is parsed) or, for input that did
 * not parse, a {@code raw} string and no record (parsed anew: as JSON, or as CSV, header row and row, where the
 * source was a CSV file). A line with neither, only {@code not_kept}, has nothing to send: it is refused saying so.
 */
final class DeadLetterInput {

    private DeadLetterInput() {
    }

    static SourceRecord recordOf(long line, ObjectNode object) {
        if (!object.has("reason") || !object.has("source")) {
            return new Tree(line, object);
        }
        JsonNode record = object.get("record");
        if (record instanceof ObjectNode original) {
            return new Tree(line, original);
        }
        if (record != null && record.isTextual()) {
            return parseRaw(line, record.textValue());
        }
        JsonNode raw = object.get("raw");
        if (record == null && raw != null && raw.isTextual()) {
            return isCsv(object.get("source")) ? parseCsvRaw(line, raw.textValue()) : parseRaw(line, raw.textValue());
        }
        JsonNode notKept = object.get("not_kept");
        if (record == null && raw == null && notKept != null) {
            return Unreadable.notKept(line, "nothing to send again: the dead letter has no record, as its input was not kept", notKept.asText());
        }
        return new Tree(line, object);
    }

    private static boolean isCsv(JsonNode source) {
        String name = source.asText().toLowerCase(Locale.ROOT);
        return name.endsWith(".csv") || name.endsWith(".csv.gz");
    }

    /** A CSV row's raw text is its header row and the row: read as the CSV file it came from. */
    private static SourceRecord parseCsvRaw(long line, String raw) {
        List<SourceRecord> rows = new ArrayList<>();
        try (CsvRecordReader reader = new CsvRecordReader(new ByteArrayInputStream(raw.getBytes(StandardCharsets.UTF_8)))) {
            while (reader.readChunk(rows, 2)) {
                // reads the one row
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading a string cannot fail", e);
        }
        if (rows.size() != 1) {
            return Unreadable.text(line, raw, "the raw text of a CSV row must be its header row and the row, one line each");
        }
        SourceRecord row = rows.get(0);
        return row instanceof Tree tree ? new Tree(line, tree.value()) : Unreadable.text(line, raw, ((Unreadable) row).reason());
    }

    private static SourceRecord parseRaw(long line, String raw) {
        JsonNode parsed;
        try {
            parsed = RecordReaders.JSON.readTree(raw);
        } catch (JacksonException e) {
            return Unreadable.text(line, raw, JsonErrorText.reason(e, "not valid JSON"));
        }
        if (parsed instanceof ObjectNode object) {
            return new Tree(line, object);
        }
        return Unreadable.text(line, raw, RecordReaders.NOT_AN_OBJECT);
    }
}

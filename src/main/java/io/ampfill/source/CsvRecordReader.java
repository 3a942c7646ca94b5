package io.ampfill.source;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.ampfill.amplitude.AmplitudeFields;
import io.ampfill.source.SourceRecord.Unreadable;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a .csv file whose header row names Amplitude fields (RFC 4180 quoting). Each row becomes an object of
 * its non-empty cells, all as strings: typing them is the event mapper's job. A column {@code event_properties.NAME}
 * (likewise user_properties, groups, group_properties) sets NAME inside that object; a plain {@code event_properties}
 * column holds the object as JSON text, left as a string for the mapper, unless the row also has dotted columns
 * for it: then it is parsed here and the dotted cells win on the same name. Rows whose cells are all empty are
 * skipped like blank lines. A record's line is the line its row starts on (the header is line 1).
 */
final class CsvRecordReader implements RecordReader {
    private static final CsvMapper CSV = new CsvMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final LenientUtf8Reader text;
    private CsvParser parser;
    /** One per header cell; null where the header cell is empty. */
    private Column[] columns;
    /** The header row as read, written back as CSV. */
    private String header;
    private final List<String> cells = new ArrayList<>();
    private long rowLine;
    private boolean finished;

    /** Where a column's cells go: a top-level field, or a field inside one of the property objects. */
    private record Column(String object, String field) {
        static Column named(String name) {
            String trimmed = name.strip();
            if (trimmed.isEmpty()) {
                return null;
            }
            int dot = trimmed.indexOf('.');
            if (dot > 0 && dot < trimmed.length() - 1 && AmplitudeFields.PROPERTY_OBJECTS.contains(trimmed.substring(0, dot))) {
                return new Column(trimmed.substring(0, dot), trimmed.substring(dot + 1));
            }
            return new Column(null, trimmed);
        }
    }

    CsvRecordReader(InputStream in) {
        this.text = new LenientUtf8Reader(in);
    }

    @Override
    public boolean readChunk(List<SourceRecord> out, int max) throws IOException {
        int added = 0;
        try {
            if (columns == null && !finished) {
                readHeader(out);
            }
            while (!finished && added < max) {
                if (!readRow()) {
                    finished = true;
                } else if (text.invalidBefore(parser.currentLocation().getCharOffset())) {
                    out.add(Unreadable.text(rowLine, rawRow(), "not valid UTF-8: a byte in this row (raw has U+FFFD in its place)"));
                    added++;
                } else if (!allEmpty(cells)) {
                    out.add(toRecord());
                    added++;
                }
            }
        } catch (UnreadableInputException e) {
            out.add(Unreadable.notKept(errorLine(), e.reason(), RecordReaders.REST_OF_FILE));
            finished = true;
        } catch (JacksonException e) {
            if (e.getCause() instanceof UnreadableInputException unreadable) {
                out.add(Unreadable.notKept(errorLine(), unreadable.reason(), RecordReaders.REST_OF_FILE));
            } else {
                out.add(Unreadable.notKept(errorLine(), JsonErrorText.reason(e, "not valid CSV from here on"), RecordReaders.REST_OF_FILE));
            }
            finished = true;
        }
        return !finished;
    }

    private void readHeader(List<SourceRecord> out) throws IOException {
        parser = CSV.getFactory().createParser(text);
        parser.setSchema(CsvSchema.emptySchema());
        do {
            if (!readRow()) {
                finished = true;
                return;
            }
        } while (allEmpty(cells));
        if (text.invalidBefore(parser.currentLocation().getCharOffset())) {
            out.add(Unreadable.text(rowLine, csvLine(cells), "not valid CSV from here on: the header row is not valid UTF-8"));
            finished = true;
            return;
        }
        header = csvLine(cells);
        columns = new Column[cells.size()];
        for (int i = 0; i < columns.length; i++) {
            columns[i] = Column.named(cells.get(i));
        }
    }

    /** Reads the next row's cells into {@link #cells}; false at the end of the file. */
    private boolean readRow() throws IOException {
        rowLine = -1;
        JsonToken token = parser.nextToken();
        if (token == null) {
            return false;
        }
        cells.clear();
        while ((token = parser.nextToken()) == JsonToken.VALUE_STRING || token == JsonToken.VALUE_NULL) {
            if (rowLine < 0) {
                rowLine = parser.currentTokenLocation().getLineNr();
            }
            cells.add(token == JsonToken.VALUE_NULL ? "" : parser.getText());
        }
        if (rowLine < 0) {
            rowLine = parser.currentTokenLocation().getLineNr();
        }
        return true;
    }

    private SourceRecord toRecord() {
        ObjectNode row = NODES.objectNode();
        for (int i = 0; i < cells.size(); i++) {
            String cell = cells.get(i);
            if (cell.isEmpty()) {
                continue;
            }
            if (i >= columns.length) {
                // empty trailing cells (a trailing comma) lose nothing and are ignored above; a filled one means the row is misaligned
                return Unreadable.text(rowLine, rawRow(), "row has " + cells.size() + " cells, header has " + columns.length);
            }
            Column column = columns[i];
            if (column == null) {
                return Unreadable.text(rowLine, rawRow(), "cell " + (i + 1) + " has no column name in the header");
            }
            String problem = column.object == null ? putTopLevel(row, column.field, cell) : putNested(row, column, cell);
            if (problem != null) {
                return Unreadable.text(rowLine, rawRow(), problem);
            }
        }
        return DeadLetterInput.recordOf(rowLine, row);
    }

    private static String putTopLevel(ObjectNode row, String name, String cell) {
        if (row.get(name) instanceof ObjectNode dotted) {
            // dotted cells came first: add the JSON cell's fields they did not set
            ObjectNode parsed = parseObject(cell);
            if (parsed == null) {
                return name + " is not a JSON object";
            }
            for (var field : parsed.properties()) {
                dotted.putIfAbsent(field.getKey(), field.getValue());
            }
            return null;
        }
        row.put(name, cell);
        return null;
    }

    private static String putNested(ObjectNode row, Column column, String cell) {
        JsonNode existing = row.get(column.object);
        ObjectNode object;
        if (existing instanceof ObjectNode o) {
            object = o;
        } else if (existing != null) {
            // the JSON cell came first: parse it so the dotted cells can join it
            object = parseObject(existing.asText());
            if (object == null) {
                return column.object + " is not a JSON object";
            }
            row.set(column.object, object);
        } else {
            object = row.putObject(column.object);
        }
        object.put(column.field, cell);
        return null;
    }

    private static ObjectNode parseObject(String json) {
        try {
            return RecordReaders.JSON.readTree(json) instanceof ObjectNode o ? o : null;
        } catch (JacksonException e) {
            return null;
        }
    }

    private static boolean allEmpty(List<String> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (!cells.get(i).isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /**
     * The raw text of a row's error record: the header row and the row, written back as CSV (the parser does not keep
     * the original). With its header, a fixed row is a CSV file of its own again: a dead letter dropped back is read so.
     */
    private String rawRow() {
        return header + "\n" + csvLine(cells);
    }

    /** Cells written back as one CSV line. */
    private static String csvLine(List<String> cells) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                line.append(',');
            }
            String cell = cells.get(i);
            if (cell.indexOf(',') >= 0 || cell.indexOf('"') >= 0 || cell.indexOf('\n') >= 0 || cell.indexOf('\r') >= 0) {
                line.append('"').append(cell.replace("\"", "\"\"")).append('"');
            } else {
                line.append(cell);
            }
        }
        return line.toString();
    }

    /** Where what cannot be read begins: the row it is in, once a cell of it was read; else where the parser stopped. */
    private long errorLine() {
        if (rowLine > 0) {
            return rowLine;
        }
        return parser == null ? 1 : Math.max(1, parser.currentLocation().getLineNr());
    }

    @Override
    public void close() throws IOException {
        finished = true;
        if (parser != null) {
            parser.close();
        }
        text.close();
    }
}

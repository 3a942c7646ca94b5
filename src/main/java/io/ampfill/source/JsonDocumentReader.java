package io.ampfill.source;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ampfill.source.SourceRecord.Unreadable;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Reads a .json file: one object, an array of objects, or several top-level values one after the other. An
 * array is streamed element by element, so only one element is ever held; a record's line is the line its
 * element starts on. A syntax error ends the file with one error record, as nothing after it can be trusted.
 */
final class JsonDocumentReader implements RecordReader {
    /** Not the shared strict mapper: here more values follow each one read, by design. */
    private static final ObjectMapper STREAMING_JSON = RecordJson.mapper();

    private final InputStream in;
    private JsonParser parser;
    private boolean insideTopArray;
    private boolean finished;

    JsonDocumentReader(InputStream in) {
        this.in = new Utf8CheckedInput(in);
    }

    @Override
    public boolean readChunk(List<SourceRecord> out, int max) throws IOException {
        int added = 0;
        try {
            if (parser == null && !finished) {
                // created here, not in the constructor: Jackson reads the first bytes at once, and those may be corrupt
                parser = STREAMING_JSON.createParser(in);
            }
            while (!finished && added < max) {
                JsonToken token = parser.nextToken();
                if (token == null) {
                    finished = true;
                } else if (!insideTopArray && token == JsonToken.START_ARRAY) {
                    insideTopArray = true;
                } else if (insideTopArray && token == JsonToken.END_ARRAY) {
                    insideTopArray = false;
                } else {
                    long line = parser.currentTokenLocation().getLineNr();
                    JsonNode value = parser.readValueAsTree();
                    if (value instanceof ObjectNode object) {
                        out.add(DeadLetterInput.recordOf(line, object));
                    } else {
                        String raw = (value == null ? NullNode.getInstance() : value).toString();
                        out.add(Unreadable.text(line, raw, RecordReaders.NOT_AN_OBJECT));
                    }
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
                long line = e.getLocation() != null && e.getLocation().getLineNr() > 0 ? e.getLocation().getLineNr() : errorLine();
                out.add(Unreadable.notKept(line, JsonErrorText.reason(e, "not valid JSON from here on"), RecordReaders.REST_OF_FILE));
            }
            finished = true;
        }
        return !finished;
    }

    private long errorLine() {
        return parser == null ? 1 : Math.max(1, parser.currentLocation().getLineNr());
    }

    @Override
    public void close() throws IOException {
        finished = true;
        if (parser != null) {
            parser.close();
        }
        in.close();
    }
}

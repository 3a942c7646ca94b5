package io.ampfill.deadletter;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * Rejected records, one NDJSON line each, in {@code <dead-letter-dir>/<source file>.rejected.ndjson} (see
 * {@link DeadLetterFileName}):
 * {@code {"reason":..., "source":..., "line":..., "record":{...}}}, or {@code "raw":"..."} where the
 * input did not parse. A fixed line can be dropped back into the inbox as it is: the readers take the
 * record out of it. The API key never reaches this store: records are events, not requests.
 */
public final class DeadLetterStore implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path dir;
    private final Map<String, OutputStream> files = new HashMap<>();
    private final JsonFactory factory = JSON.getFactory();

    public DeadLetterStore(Path dir) {
        this.dir = dir;
    }

    /** A record that parsed, or the event as it was sent (its JSON bytes). */
    public void write(String source, long line, String reason, JsonNode record) {
        append(source, line, reason, g -> {
            g.writeFieldName("record");
            g.writeTree(record);
        });
    }

    public void writeEvent(String source, long line, String reason, byte[] eventJson) {
        append(source, line, reason, g -> {
            g.writeFieldName("record");
            g.writeRawValue(new String(eventJson, StandardCharsets.UTF_8));
        });
    }

    /** Input that did not parse: kept as text so a person can fix it. */
    public void writeRaw(String source, long line, String reason, String raw) {
        append(source, line, reason, g -> {
            if (raw != null) {
                g.writeStringField("raw", raw);
            }
        });
    }

    /** Makes what was written durable: called before the source it came from is committed. */
    public synchronized void flush() {
        for (OutputStream out : files.values()) {
            try {
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the dead-letter folder " + dir + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public synchronized void close() {
        flush();
        for (OutputStream out : files.values()) {
            try {
                out.close();
            } catch (IOException ignored) {
                // flushed above; nothing left to lose
            }
        }
        files.clear();
    }

    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private synchronized void append(String source, long line, String reason, Body body) {
        try {
            OutputStream out = files.get(source);
            if (out == null) {
                Files.createDirectories(dir);
                String name = DeadLetterFileName.of(source);
                out = new BufferedOutputStream(Files.newOutputStream(dir.resolve(name),
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND), 64 * 1024);
                files.put(source, out);
            }
            JsonGenerator g = factory.createGenerator(out, JsonEncoding.UTF8);
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            // whole lines stay in the buffer until flush(), which runs before every checkpoint save: flushing here
            // wrote each record without its newline, so a crash could glue the next run's first line onto it
            g.disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM);
            g.writeStartObject();
            g.writeStringField("reason", reason);
            g.writeStringField("source", source);
            g.writeNumberField("line", line);
            body.write(g);
            g.writeEndObject();
            g.close();
            out.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the dead-letter folder " + dir + ": " + e.getMessage(), e);
        }
    }
}

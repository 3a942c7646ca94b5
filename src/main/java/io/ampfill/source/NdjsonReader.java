package io.ampfill.source;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ampfill.event.LineMapper;
import io.ampfill.event.MappedEvent;
import io.ampfill.event.Utf8;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Reads newline-delimited JSON (.ndjson, .jsonl): one object a line. Lines are split in a reused byte buffer
 * and parsed straight from it, so a valid line costs no String; only a line longer than the buffer grows it.
 * Blank lines are skipped but counted; a bad line becomes an error record and reading goes on. Given a
 * {@link LineMapper}, a line is first offered to it: a line it maps is never parsed into a tree.
 */
final class NdjsonReader implements RecordReader {
    private static final int INITIAL_BUFFER = 1 << 16;
    /** Longer than a whole request may carry (20 MB), so it could never be sent: skipped, keeping memory bounded on a file without newlines. */
    static final int MAX_LINE_BYTES = 20 * 1024 * 1024;

    private final InputStream in;
    private final int maxLineBytes;
    /** Null when the lines are not events (a users file). */
    private final LineMapper events;
    private byte[] buf;
    private int lineStart;
    private int scanned;
    private int limit;
    /** OR of the bytes scanned so far on the current line: negative when one of them is not ASCII. */
    private int lineBits;
    private long line;
    private boolean skippingLongLine;
    private boolean inputEnded;
    private boolean finished;

    NdjsonReader(InputStream in) {
        this(in, MAX_LINE_BYTES, null);
    }

    NdjsonReader(InputStream in, int maxLineBytes) {
        this(in, maxLineBytes, null);
    }

    NdjsonReader(InputStream in, LineMapper events) {
        this(in, MAX_LINE_BYTES, events);
    }

    private NdjsonReader(InputStream in, int maxLineBytes, LineMapper events) {
        this.in = in;
        this.events = events;
        this.maxLineBytes = Math.max(maxLineBytes, 16);
        this.buf = new byte[Math.min(INITIAL_BUFFER, this.maxLineBytes)];
    }

    @Override
    public boolean readChunk(List<SourceRecord> out, int max) throws IOException {
        int added = 0;
        while (!finished && added < max) {
            int newline = -1;
            byte[] b = buf;
            int bits = lineBits;
            int i = scanned;
            for (int end = limit; i < end; i++) {
                byte x = b[i];
                if (x == '\n') {
                    newline = i;
                    break;
                }
                bits |= x;
            }
            if (newline < 0) {
                scanned = i;
                lineBits = bits;
                if (inputEnded) {
                    finished = true;
                    if (lineStart < limit || skippingLongLine) {
                        line++;
                        added += emit(out, lineStart, limit, bits);
                    }
                } else {
                    try {
                        fill();
                    } catch (UnreadableInputException e) {
                        // the partial line before the damage is part of what cannot be read
                        out.add(SourceRecord.unkept(line + 1, e.reason(), SourceRecord.REST_OF_FILE));
                        finished = true;
                    }
                }
                continue;
            }
            line++;
            added += emit(out, lineStart, newline, bits);
            lineStart = newline + 1;
            scanned = lineStart;
            lineBits = 0;
        }
        return !finished;
    }

    private int emit(List<SourceRecord> out, int from, int to, int bits) {
        SourceRecord record;
        if (skippingLongLine) {
            skippingLongLine = false;
            record = SourceRecord.unkept(line, "line is longer than " + maxLineBytes + " bytes, more than a request may carry",
                    "the line, too long to keep here: it is line " + line + " of the source file");
        } else {
            record = parseLine(from, to, bits);
        }
        if (record == null) {
            return 0;
        }
        out.add(record);
        return 1;
    }

    private SourceRecord parseLine(int from, int to, int bits) {
        byte[] b = buf;
        if (to > from && b[to - 1] == '\r') {
            to--;
        }
        if (line == 1 && to - from >= 3 && b[from] == (byte) 0xEF && b[from + 1] == (byte) 0xBB && b[from + 2] == (byte) 0xBF) {
            from += 3;
        }
        int first = from;
        while (first < to && (b[first] == ' ' || b[first] == '\t' || b[first] == '\r')) {
            first++;
        }
        if (first == to) {
            return null;
        }
        int invalid = bits < 0 ? Utf8.invalidAt(b, from, to) : -1;
        if (invalid >= 0) {
            return SourceRecord.unparsable(line, new String(b, from, to - from, StandardCharsets.UTF_8), String.format(Locale.ROOT,
                    "not valid UTF-8: byte 0x%02X at byte %d of the line (raw has U+FFFD in its place)", b[invalid] & 0xFF, invalid - from + 1));
        }
        if (events != null) {
            MappedEvent event = events.tryMap(b, from, to - from);
            if (event != null) {
                return SourceRecord.mapped(line, event);
            }
        }
        JsonNode node;
        try {
            node = RecordReaders.JSON.readTree(b, from, to - from);
        } catch (JacksonException e) {
            return SourceRecord.unparsable(line, text(from, to), JsonErrorText.reason(e, "not valid JSON"));
        } catch (IOException e) {
            return SourceRecord.unparsable(line, text(from, to), "not valid JSON: " + e.getMessage());
        }
        if (node instanceof ObjectNode object) {
            return DeadLetterInput.recordOf(line, object);
        }
        return SourceRecord.unparsable(line, text(from, to), RecordReaders.NOT_AN_OBJECT);
    }

    private String text(int from, int to) {
        return new String(buf, from, to - from, StandardCharsets.UTF_8);
    }

    /** Makes room after the unfinished line (moving it to the front, or growing the buffer) and reads more bytes. */
    private void fill() throws IOException {
        if (lineStart > 0) {
            int kept = limit - lineStart;
            System.arraycopy(buf, lineStart, buf, 0, kept);
            scanned -= lineStart;
            limit = kept;
            lineStart = 0;
        } else if (limit == buf.length) {
            if (buf.length >= maxLineBytes) {
                skippingLongLine = true;
                limit = 0;
                scanned = 0;
            } else {
                buf = Arrays.copyOf(buf, Math.min(buf.length * 2, maxLineBytes));
            }
        }
        int n = in.read(buf, limit, buf.length - limit);
        if (n < 0) {
            inputEnded = true;
        } else {
            limit += n;
        }
    }

    @Override
    public void close() throws IOException {
        finished = true;
        in.close();
    }
}

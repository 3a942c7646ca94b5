package io.ampfill.source;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ampfill.source.SourceRecord.Line;
import io.ampfill.source.SourceRecord.Unreadable;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * Reads newline-delimited JSON (.ndjson, .jsonl): one object a line. It only splits and checks the lines: each
 * comes out as a {@link Line}, bytes of the buffer it was read into, so a line costs no copy and no String; the
 * mapping decides what it is (parsing it into a tree, by {@link #parse}, only when it must). A buffer is never
 * written again once a line in it is handed out: when it is full, the unfinished line moves to a new one, so the
 * lines of a chunk stay valid for as long as the chunk is held. Blank lines are skipped but counted; a line that
 * is not UTF-8, or too long to keep, becomes an {@link Unreadable} record and reading goes on.
 */
final class NdjsonReader implements RecordReader {
    private static final int INITIAL_BUFFER = 1 << 16;
    /** Longer than a whole request may carry (20 MB), so it could never be sent: skipped, keeping memory bounded on a file without newlines. */
    static final int MAX_LINE_BYTES = 20 * 1024 * 1024;

    private final InputStream in;
    private final int maxLineBytes;
    private final int initialBuffer;
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
        this(in, MAX_LINE_BYTES);
    }

    NdjsonReader(InputStream in, int maxLineBytes) {
        this.in = in;
        this.maxLineBytes = Math.max(maxLineBytes, 16);
        this.initialBuffer = Math.min(INITIAL_BUFFER, this.maxLineBytes);
        this.buf = new byte[initialBuffer];
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
                        out.add(Unreadable.notKept(line + 1, e.reason(), RecordReaders.REST_OF_FILE));
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
            record = Unreadable.notKept(line, "line is longer than " + maxLineBytes + " bytes, more than a request may carry",
                    "the line, too long to keep here: it is line " + line + " of the source file");
        } else {
            record = checkedLine(from, to, bits);
        }
        if (record == null) {
            return 0;
        }
        out.add(record);
        return 1;
    }

    /** The line without its line end and byte order mark, if it is valid UTF-8; null for a blank line. */
    private SourceRecord checkedLine(int from, int to, int bits) {
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
            return Unreadable.text(line, new String(b, from, to - from, StandardCharsets.UTF_8), String.format(Locale.ROOT,
                    "not valid UTF-8: byte 0x%02X at byte %d of the line (raw has U+FFFD in its place)", b[invalid] & 0xFF, invalid - from + 1));
        }
        return new Line(line, b, from, to - from);
    }

    /** A line parsed: a {@link SourceRecord.Tree} (ampfill's own dead letter unwrapped), or why it is no JSON object. */
    static SourceRecord parse(Line line) {
        JsonNode node;
        try {
            node = RecordReaders.JSON.readTree(line.bytes(), line.offset(), line.length());
        } catch (JacksonException e) {
            return Unreadable.text(line.line(), line.text(), JsonErrorText.reason(e, "not valid JSON"));
        } catch (IOException e) {
            return Unreadable.text(line.line(), line.text(), "not valid JSON: " + e.getMessage());
        }
        if (node instanceof ObjectNode object) {
            return DeadLetterInput.recordOf(line.line(), object);
        }
        return Unreadable.text(line.line(), line.text(), RecordReaders.NOT_AN_OBJECT);
    }

    /**
     * Reads more bytes after the unfinished line; when the buffer is full, moves that line into a new buffer (room for
     * twice its length at least) rather than to the front of this one, whose lines may still be held.
     */
    private void fill() throws IOException {
        if (limit == buf.length) {
            int kept = limit - lineStart;
            if (kept >= maxLineBytes) {
                // too long to keep: its bytes are dropped as they come; no line handed out lies in this buffer
                skippingLongLine = true;
                limit = 0;
                scanned = 0;
            } else {
                byte[] next = new byte[Math.min(maxLineBytes, Math.max(initialBuffer, kept * 2))];
                System.arraycopy(buf, lineStart, next, 0, kept);
                buf = next;
                scanned -= lineStart;
                limit = kept;
                lineStart = 0;
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

package io.ampfill.source;


import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

/**
 * A JSON document's bytes, checked to be well-formed UTF-8 on their way to Jackson, which does not check them all:
 * it decodes an overlong form (C0 AF as '/') and an encoded surrogate as if they were text, so bytes that are no
 * text would become an event, with the insert_id of the text they imitate. The bytes before the first one that is
 * not UTF-8 are handed out; the read after them fails ({@link UnreadableInputException}: the rest of the file cannot
 * be trusted, as after any other error in a JSON document). A document in UTF-16 or UTF-32, which Jackson tells by a
 * zero byte or a byte order mark among its first two bytes, is passed on unchecked.
 */
final class Utf8CheckedInput extends InputStream {
    private static final int BUFFER = 1 << 13;

    private final InputStream in;
    private final byte[] buffer = new byte[BUFFER];
    /** Checked bytes not yet handed out are [start, checked); [checked, end) is the start of a character cut by the last read. */
    private int start;
    private int checked;
    private int end;
    /** Bytes of the file before buffer[0]. */
    private long offset;
    private boolean first = true;
    private boolean unchecked;
    private UnreadableInputException failure;

    Utf8CheckedInput(InputStream in) {
        this.in = in;
    }

    @Override
    public int read() throws IOException {
        if (!ready()) {
            return -1;
        }
        return buffer[start++] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!ready()) {
            return -1;
        }
        int n = Math.min(len, checked - start);
        System.arraycopy(buffer, start, b, off, n);
        start += n;
        return n;
    }

    /** Whether checked bytes are there to hand out; false at the end of the file. */
    private boolean ready() throws IOException {
        while (start == checked) {
            if (failure != null) {
                throw failure;
            }
            if (!fill()) {
                return false;
            }
        }
        return true;
    }

    /** Reads more bytes behind the cut character, if any, and checks them; false at the end of the file. */
    private boolean fill() throws IOException {
        int cut = end - checked;
        System.arraycopy(buffer, checked, buffer, 0, cut);
        offset += checked;
        start = 0;
        checked = 0;
        end = cut;
        int n = in.read(buffer, end, buffer.length - end);
        if (n < 0) {
            if (cut > 0) {
                failure = notUtf8("the file ends inside a character", 0);
                return true;
            }
            return false;
        }
        end += n;
        if (first && end >= 2) {
            first = false;
            unchecked = isUtf16Or32(buffer[0]) || isUtf16Or32(buffer[1]);
        }
        if (unchecked) {
            checked = end;
            return true;
        }
        int i = 0;
        while (i < end) {
            if (buffer[i] >= 0) {
                i++;
                continue;
            }
            int length = Utf8.sequence(buffer, i, end);
            if (length == Utf8.CUT) {
                break;
            }
            if (length == 0) {
                failure = notUtf8(String.format(Locale.ROOT, "byte 0x%02X", buffer[i] & 0xFF), i);
                break;
            }
            i += length;
        }
        checked = i;
        return true;
    }

    private static boolean isUtf16Or32(byte b) {
        return b == 0 || b == (byte) 0xFE || b == (byte) 0xFF;
    }

    private UnreadableInputException notUtf8(String what, int at) {
        return new UnreadableInputException("not valid UTF-8 from here on: " + what + " at byte " + (offset + at) + " of the file");
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}

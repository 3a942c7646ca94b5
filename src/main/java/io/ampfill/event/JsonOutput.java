package io.ampfill.event;

import java.util.Arrays;

/**
 * The buffer the line mapper writes an event's JSON into: raw slices of the line, names, digits, and the few
 * strings made on the way (ids given as numbers, names of fields moved into event_properties), escaped as
 * Jackson's generator escapes them: surrogates as \\u escapes, so even a lone one survives the trip.
 */
final class JsonOutput extends GrowingBytes {
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    /** A copy of the part [from, to). */
    byte[] toArray(int from, int to) {
        return Arrays.copyOfRange(buffer, from, to);
    }

    /** ASCII text as is: a name known to need no escaping, or a number's spelling. */
    void ascii(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buffer[used++] = (byte) s.charAt(i);
        }
    }

    void digits(long v) {
        digits(v, digitCount(v));
    }

    void string(String s) {
        char[] chars = s.toCharArray();
        string(chars, 0, chars.length);
    }

    /** A JSON string of the chars: quotes, backslashes and control characters escaped, the rest as UTF-8. */
    void string(char[] chars, int offset, int length) {
        ensure(length + 2);
        byte[] b = buffer;
        int at = used;
        b[at++] = '"';
        int end = offset + length;
        int i = offset;
        // plain ASCII, the common case, fits the room made above
        for (; i < end; i++) {
            char c = chars[i];
            if (c >= 0x80 || c < 0x20 || c == '"' || c == '\\') {
                break;
            }
            b[at++] = (byte) c;
        }
        used = at;
        for (; i < end; i++) {
            escaped(chars[i]);
        }
        put('"');
    }

    private void escaped(char c) {
        ensure(6);
        byte[] b = buffer;
        if (c < 0x80) {
            if (c == '"' || c == '\\') {
                b[used++] = '\\';
                b[used++] = (byte) c;
            } else if (c < 0x20) {
                unicodeEscape(c);
            } else {
                b[used++] = (byte) c;
            }
        } else if (c < 0x800) {
            b[used++] = (byte) (0xC0 | (c >> 6));
            b[used++] = (byte) (0x80 | (c & 0x3F));
        } else if (Character.isSurrogate(c)) {
            unicodeEscape(c);
        } else {
            b[used++] = (byte) (0xE0 | (c >> 12));
            b[used++] = (byte) (0x80 | ((c >> 6) & 0x3F));
            b[used++] = (byte) (0x80 | (c & 0x3F));
        }
    }

    private void unicodeEscape(char c) {
        byte[] b = buffer;
        b[used++] = '\\';
        b[used++] = 'u';
        b[used++] = HEX[(c >> 12) & 0xF];
        b[used++] = HEX[(c >> 8) & 0xF];
        b[used++] = HEX[(c >> 4) & 0xF];
        b[used++] = HEX[c & 0xF];
    }
}

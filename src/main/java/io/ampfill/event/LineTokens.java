package io.ampfill.event;

import com.fasterxml.jackson.core.JsonToken;
import io.ampfill.source.Utf8;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The tokens of one NDJSON line, read straight off its UTF-8 bytes, for {@link LineMapper}.
 * <p>
 * Hand-written rather than Jackson's parser because the line path wants what Jackson's API cannot give without
 * copying: a string's UTF-8 bytes as a slice of the line (Jackson decodes every string to chars, which the mapper
 * then encoded back to UTF-8 twice, for the output and for the insert_id), and no parser to build per line. It is
 * never more lenient than Jackson with its defaults: whatever it does not take exactly (a lone escaped surrogate,
 * malformed UTF-8, numbers beyond a long, anything outside strict JSON, very deep or long values) throws
 * {@link #UNUSUAL}, and the line goes to the tree path, which parses it with Jackson and words the rejection.
 * One instance per thread, reused from line to line.
 */
final class LineTokens {
    /** Thrown, without a stack trace, wherever the line leaves the line path. */
    static final RuntimeException UNUSUAL = new RuntimeException(null, null, false, false) {
    };

    /** Well inside Jackson's own limits (nesting 1000, names 50,000 chars, numbers 1,000 chars, strings 20M chars). */
    private static final int MAX_DEPTH = 256;
    private static final int MAX_NAME_BYTES = 10_000;
    private static final int MAX_NUMBER_CHARS = 300;
    private static final int MAX_STRING_BYTES = 1 << 20;
    private static final int NAME_CACHE_SIZE = 512; // a power of two
    private static final int MAX_CACHED_NAME = 64;
    /** The bytes a string's plain run goes on over: ASCII but for control characters, the quote and the backslash. */
    private static final boolean[] PLAIN = new boolean[256];

    static {
        for (int c = 0x20; c < 0x80; c++) {
            PLAIN[c] = c != '"' && c != '\\';
        }
    }

    private byte[] buf;
    private int pos;
    private int end;
    /** Open containers, innermost last: '{' or '['. */
    private final byte[] stack = new byte[MAX_DEPTH + 1];
    private int depth;
    /** After a value or a container's opening: whether a comma (or the container's end) must come next. */
    private boolean afterValue;
    private boolean rootDone;

    private JsonToken token;
    private int tokenStart;
    /** A string's or name's UTF-8 bytes (unescaped): a slice of the line, or of {@link #unescaped} when it had escapes. */
    private byte[] textBuf;
    private int textStart;
    private int textLength;
    private int textChars;
    private long longValue;
    private int numberEnd;
    private String name;

    private byte[] unescaped = new byte[256];
    private final String[] cachedNames = new String[NAME_CACHE_SIZE];
    private final byte[][] cachedNameBytes = new byte[NAME_CACHE_SIZE][];

    void reset(byte[] line, int from, int length) {
        buf = line;
        pos = from;
        end = from + length;
        depth = 0;
        afterValue = false;
        rootDone = false;
        token = null;
    }

    /** The next token, or null at the end of the line (only whitespace may follow the one root object). */
    JsonToken nextToken() {
        skipSpace();
        if (depth == 0) {
            if (rootDone) {
                check(pos == end);
                return token = null;
            }
            check(pos < end && buf[pos] == '{');
        }
        check(pos < end);
        byte c = buf[pos];
        if (depth > 0) {
            byte container = stack[depth - 1];
            if (c == (container == '{' ? '}' : ']') && token != JsonToken.FIELD_NAME) {
                tokenStart = pos++;
                depth--;
                afterValue = true;
                rootDone = depth == 0;
                return token = container == '{' ? JsonToken.END_OBJECT : JsonToken.END_ARRAY;
            }
            if (afterValue) {
                check(c == ',');
                pos++;
                skipSpace();
                check(pos < end);
                c = buf[pos];
            }
            if (container == '{' && token != JsonToken.FIELD_NAME) {
                check(c == '"');
                tokenStart = pos;
                string(MAX_NAME_BYTES);
                name = nameOf();
                skipSpace();
                check(pos < end && buf[pos] == ':');
                pos++;
                afterValue = false;
                return token = JsonToken.FIELD_NAME;
            }
        }
        tokenStart = pos;
        afterValue = true;
        switch (c) {
            case '{', '[' -> {
                check(depth < MAX_DEPTH);
                stack[depth++] = c;
                pos++;
                afterValue = false;
                return token = c == '{' ? JsonToken.START_OBJECT : JsonToken.START_ARRAY;
            }
            case '"' -> {
                string(MAX_STRING_BYTES);
                return token = JsonToken.VALUE_STRING;
            }
            case 't' -> {
                literal("true");
                return token = JsonToken.VALUE_TRUE;
            }
            case 'f' -> {
                literal("false");
                return token = JsonToken.VALUE_FALSE;
            }
            case 'n' -> {
                literal("null");
                return token = JsonToken.VALUE_NULL;
            }
            default -> {
                return token = number();
            }
        }
    }

    /** Skips the current value: the whole container when at its start. */
    void skipChildren() {
        if (token != JsonToken.START_OBJECT && token != JsonToken.START_ARRAY) {
            return;
        }
        int open = depth;
        while (depth >= open) {
            nextToken();
        }
    }

    /** The current field name. */
    String currentName() {
        return name;
    }

    /** Where the current token starts in the line's buffer. */
    int tokenStart() {
        return tokenStart;
    }

    /** Where the current token ends (exclusive) in the line's buffer: for a string, after its closing quote. */
    int tokenEnd() {
        return pos;
    }

    /** The line's own buffer, where tokenStart and tokenEnd point. */
    byte[] line() {
        return buf;
    }

    byte[] textBuffer() {
        return textBuf;
    }

    int textStart() {
        return textStart;
    }

    /** The string's length in UTF-8 bytes. */
    int textLength() {
        return textLength;
    }

    /** The string's length in UTF-16 chars, as String.length() counts. */
    int textChars() {
        return textChars;
    }

    String text() {
        return new String(textBuf, textStart, textLength, StandardCharsets.UTF_8);
    }

    long longValue() {
        return longValue;
    }

    double doubleValue() {
        return Double.parseDouble(new String(buf, tokenStart, numberEnd - tokenStart, StandardCharsets.US_ASCII));
    }

    private static void check(boolean usual) {
        if (!usual) {
            throw UNUSUAL;
        }
    }

    private void skipSpace() {
        while (pos < end) {
            byte c = buf[pos];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return;
            }
            pos++;
        }
    }

    private void literal(String word) {
        int n = word.length();
        check(end - pos >= n);
        for (int i = 0; i < n; i++) {
            check(buf[pos + i] == word.charAt(i));
        }
        pos += n;
        delimiter();
    }

    /** What follows a number or literal must end it: "truex" and "12a" are not JSON. */
    private void delimiter() {
        if (pos < end) {
            byte c = buf[pos];
            check(c == ',' || c == '}' || c == ']' || c == ' ' || c == '\n' || c == '\r' || c == '\t');
        }
    }

    /** -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? as JSON has it; integers must fit a long. */
    private JsonToken number() {
        int start = pos;
        boolean negative = false;
        if (pos < end && buf[pos] == '-') {
            negative = true;
            pos++;
        }
        int digitsStart = pos;
        long value = 0; // accumulated negatively, so that Long.MIN_VALUE fits
        boolean overflow = false;
        while (pos < end && buf[pos] >= '0' && buf[pos] <= '9') {
            int digit = buf[pos] - '0';
            overflow |= value < (Long.MIN_VALUE + digit) / 10;
            value = value * 10 - digit;
            pos++;
        }
        int digits = pos - digitsStart;
        check(digits > 0 && (digits == 1 || buf[digitsStart] != '0'));
        boolean integral = true;
        if (pos < end && buf[pos] == '.') {
            integral = false;
            pos++;
            check(skipDigits() > 0);
        }
        if (pos < end && (buf[pos] == 'e' || buf[pos] == 'E')) {
            integral = false;
            pos++;
            if (pos < end && (buf[pos] == '+' || buf[pos] == '-')) {
                pos++;
            }
            check(skipDigits() > 0);
        }
        check(pos - start <= MAX_NUMBER_CHARS);
        delimiter();
        numberEnd = pos;
        if (integral) {
            check(!overflow && (negative || value != Long.MIN_VALUE)); // beyond a long: the tree path
            longValue = negative ? value : -value;
            return JsonToken.VALUE_NUMBER_INT;
        }
        return JsonToken.VALUE_NUMBER_FLOAT;
    }

    private int skipDigits() {
        int start = pos;
        while (pos < end && buf[pos] >= '0' && buf[pos] <= '9') {
            pos++;
        }
        return pos - start;
    }

    /** Reads a string at pos (its opening quote) to after its closing quote: text* set, UTF-8 checked, escapes undone. */
    private void string(int maxBytes) {
        int start = ++pos;
        int chars = 0;
        // the common case: no escapes, so the text is a slice of the line
        while (true) {
            int run = pos;
            while (pos < end && PLAIN[buf[pos] & 0xFF]) {
                pos++;
            }
            chars += pos - run;
            check(pos < end);
            int c = buf[pos] & 0xFF;
            if (c == '"') {
                textBuf = buf;
                textStart = start;
                textLength = pos - start;
                textChars = chars;
                pos++;
                check(textLength <= maxBytes);
                return;
            }
            if (c == '\\') {
                break;
            }
            check(c >= 0x80); // a control character must be escaped
            chars += utf8Sequence();
        }
        escapedString(start, chars, maxBytes);
    }

    /** The rest of a string with escapes: what was read so far [start, pos) is copied, then unescaped bytes appended. */
    private void escapedString(int start, int chars, int maxBytes) {
        int length = pos - start;
        ensureUnescaped(length + 16);
        System.arraycopy(buf, start, unescaped, 0, length);
        while (true) {
            check(pos < end && length <= maxBytes);
            int c = buf[pos] & 0xFF;
            if (c == '"') {
                pos++;
                textBuf = unescaped;
                textStart = 0;
                textLength = length;
                textChars = chars;
                return;
            }
            ensureUnescaped(length + 4);
            if (c == '\\') {
                check(pos + 1 < end);
                byte e = buf[pos + 1];
                pos += 2;
                int ch = switch (e) {
                    case '"' -> '"';
                    case '\\' -> '\\';
                    case '/' -> '/';
                    case 'b' -> '\b';
                    case 'f' -> '\f';
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    case 't' -> '\t';
                    case 'u' -> hexEscape();
                    default -> throw UNUSUAL;
                };
                if (Character.isHighSurrogate((char) ch)) {
                    // a pair, as Jackson reads it: two chars, one code point; a lone surrogate leaves the line path
                    check(pos + 1 < end && buf[pos] == '\\' && buf[pos + 1] == 'u');
                    pos += 2;
                    int low = hexEscape();
                    check(Character.isLowSurrogate((char) low));
                    ch = Character.toCodePoint((char) ch, (char) low);
                    chars++;
                } else {
                    check(!Character.isLowSurrogate((char) ch));
                }
                length = appendUtf8(ch, length);
                chars++;
            } else if (c < 0x80) {
                check(c >= 0x20);
                unescaped[length++] = (byte) c;
                pos++;
                chars++;
            } else {
                int from = pos;
                chars += utf8Sequence();
                System.arraycopy(buf, from, unescaped, length, pos - from);
                length += pos - from;
            }
        }
    }

    /** The char of a backslash-u escape's four hex digits at pos. */
    private int hexEscape() {
        check(pos + 4 <= end);
        int ch = 0;
        for (int i = 0; i < 4; i++) {
            int d = Character.digit(buf[pos++], 16);
            check(d >= 0);
            ch = ch << 4 | d;
        }
        return ch;
    }

    private int appendUtf8(int ch, int at) {
        return Utf8.put(unescaped, at, ch);
    }

    private void ensureUnescaped(int size) {
        if (size > unescaped.length) {
            unescaped = Arrays.copyOf(unescaped, Math.max(size, unescaped.length * 2));
        }
    }

    /** Moves past one well-formed UTF-8 sequence at pos; returns its length in UTF-16 chars. Anything else leaves the line path. */
    private int utf8Sequence() {
        int length = Utf8.sequence(buf, pos, end);
        check(length > 0);
        pos += length;
        return length == 4 ? 2 : 1;
    }

    /**
     * The current string as a name. Short names come from a small per-thread cache, so the few dozen names a data
     * set repeats are not made again for every line; the cache has a fixed size, so memory stays flat.
     */
    /** Whether cached holds the length bytes of b from from: a plain loop, quicker than Arrays.equals for a name's few bytes. */
    private static boolean sameBytes(byte[] cached, byte[] b, int from, int length) {
        if (cached.length != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (cached[i] != b[from + i]) {
                return false;
            }
        }
        return true;
    }

    private String nameOf() {
        byte[] b = textBuf;
        int from = textStart;
        int length = textLength;
        if (length > MAX_CACHED_NAME) {
            return text();
        }
        int hash = length;
        for (int i = from; i < from + length; i++) {
            hash = 31 * hash + b[i];
        }
        int slot = (hash ^ hash >>> 16) & (NAME_CACHE_SIZE - 1);
        byte[] cached = cachedNameBytes[slot];
        if (cached != null && sameBytes(cached, b, from, length)) {
            return cachedNames[slot];
        }
        String made = text();
        cachedNameBytes[slot] = Arrays.copyOfRange(b, from, from + length);
        cachedNames[slot] = made;
        return made;
    }
}

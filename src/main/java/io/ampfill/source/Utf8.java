package io.ampfill.source;

/**
 * Strict UTF-8 (Unicode table 3-7: no overlong forms, no surrogates, nothing above U+10FFFF): how the readers check
 * their input, and what the mapping, which takes what they read, decodes and encodes text with.
 */
public final class Utf8 {
    /** The first char of a UTF-16 surrogate; surrogates run to U+DFFF, the high ones (first of a pair) to U+DBFF. */
    private static final char SURROGATES = '\uD800';
    /** What {@link #sequence} returns for the start of a well-formed sequence that goes on past the end of the bytes. */
    public static final int CUT = -1;

    private Utf8() {
    }

    /** Whether the byte range is well-formed UTF-8. */
    public static boolean valid(byte[] b, int from, int to) {
        return invalidAt(b, from, to) < 0;
    }

    /** Where the first byte that is not well-formed UTF-8 is in the range (a sequence cut by its end counts), or -1. */
    public static int invalidAt(byte[] b, int from, int to) {
        int i = from;
        while (i < to) {
            int length = sequence(b, i, to);
            if (length <= 0) {
                return i;
            }
            i += length;
        }
        return -1;
    }

    /**
     * The length of the well-formed sequence at {@code at} (1 for ASCII), 0 if it is not one, or {@link #CUT} if the
     * bytes up to {@code to} begin one that goes on past it (a reader of a stream then waits for more bytes).
     */
    public static int sequence(byte[] b, int at, int to) {
        int c = b[at] & 0xFF;
        if (c < 0x80) {
            return 1;
        }
        int length;
        int min2 = 0x80;
        int max2 = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) {
            length = 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            length = 3;
            if (c == 0xE0) {
                min2 = 0xA0;
            } else if (c == 0xED) {
                max2 = 0x9F;
            }
        } else if (c >= 0xF0 && c <= 0xF4) {
            length = 4;
            if (c == 0xF0) {
                min2 = 0x90;
            } else if (c == 0xF4) {
                max2 = 0x8F;
            }
        } else {
            return 0;
        }
        if (at + 1 < to) {
            int second = b[at + 1] & 0xFF;
            if (second < min2 || second > max2) {
                return 0;
            }
        }
        for (int k = 2; k < length && at + k < to; k++) {
            if ((b[at + k] & 0xC0) != 0x80) {
                return 0;
            }
        }
        return at + length > to ? CUT : length;
    }

    /**
     * The UTF-8 bytes of s, where a lone surrogate (half of a UTF-16 pair, which has no UTF-8 form) is written as
     * the three bytes its code unit would take (as WTF-8 does) instead of as '?', which
     * {@code getBytes(UTF_8)} writes for every one of them. So distinct strings always give distinct bytes: what
     * digests of text rely on. Well-formed text gives exactly its UTF-8.
     */
    public static byte[] encode(String s) {
        int n = s.length();
        int length = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                length++;
            } else if (c < 0x800) {
                length += 2;
            } else if (isPair(s, i)) {
                length += 4;
                i++;
            } else {
                length += 3;
            }
        }
        byte[] b = new byte[length];
        int at = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            at = put(b, at, isPair(s, i) ? Character.toCodePoint(c, s.charAt(++i)) : c);
        }
        return b;
    }

    /** Writes the UTF-8 bytes of a code point (a lone surrogate's code unit as three bytes) at b[at]; returns where they end. */
    public static int put(byte[] b, int at, int codePoint) {
        int cp = codePoint;
        if (cp < 0x80) {
            b[at++] = (byte) cp;
        } else if (cp < 0x800) {
            b[at++] = (byte) (0xC0 | cp >> 6);
            b[at++] = (byte) (0x80 | cp & 0x3F);
        } else if (cp >= 0x10000) {
            b[at++] = (byte) (0xF0 | cp >> 18);
            b[at++] = (byte) (0x80 | cp >> 12 & 0x3F);
            b[at++] = (byte) (0x80 | cp >> 6 & 0x3F);
            b[at++] = (byte) (0x80 | cp & 0x3F);
        } else {
            b[at++] = (byte) (0xE0 | cp >> 12);
            b[at++] = (byte) (0x80 | cp >> 6 & 0x3F);
            b[at++] = (byte) (0x80 | cp & 0x3F);
        }
        return at;
    }

    private static boolean isPair(String s, int i) {
        return Character.isHighSurrogate(s.charAt(i)) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }

    /** Index of the first lone surrogate of s (half of a UTF-16 pair, alone: no Unicode character), or -1. */
    public static int loneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= SURROGATES && c <= '\uDFFF') {
                if (!isPair(s, i)) {
                    return i;
                }
                i++;
            }
        }
        return -1;
    }
}

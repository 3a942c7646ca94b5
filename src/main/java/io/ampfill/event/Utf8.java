package io.ampfill.event;

/** Strict UTF-8 (Unicode table 3-7: no overlong forms, no surrogates, nothing above U+10FFFF). */
public final class Utf8 {

    private Utf8() {
    }

    /** Whether the byte range is well-formed UTF-8. */
    public static boolean valid(byte[] b, int from, int to) {
        int i = from;
        while (i < to) {
            int length = sequence(b, i, to);
            if (length == 0) {
                return false;
            }
            i += length;
        }
        return true;
    }

    /** The length of the well-formed sequence at {@code at} (1 for ASCII), or 0 if it is not one or ends past {@code to}. */
    static int sequence(byte[] b, int at, int to) {
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
        if (at + length > to) {
            return 0;
        }
        int second = b[at + 1] & 0xFF;
        if (second < min2 || second > max2) {
            return 0;
        }
        for (int k = 2; k < length; k++) {
            if ((b[at + k] & 0xC0) != 0x80) {
                return 0;
            }
        }
        return length;
    }
}

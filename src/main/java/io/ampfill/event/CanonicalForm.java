package io.ampfill.event;

import io.ampfill.source.Utf8;

import java.math.BigDecimal;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

/**
 * The canonical form derived insert_ids are a digest of, and the digest: containers are bracketed, null is 'n',
 * every scalar is text (tag, UTF-8 length, UTF-8 bytes), numbers normalised, keys sorted by whoever writes an
 * object. Both the tree walk ({@link ContentInsertId}) and the single-pass line mapper ({@link LineMapper}) write
 * through this one class, so they cannot drift apart: an id, once sent, must never change. Parts written earlier
 * can be copied or moved, which is how the line mapper sorts an object's keys.
 */
final class CanonicalForm extends GrowingBytes {
    static final String PREFIX = "af-";
    private static final int ID_BYTES = 24;
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final MessageDigest sha256;

    CanonicalForm() {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** "af-" + the first 24 bytes of SHA-256 over the part [from, to), base64url without padding. */
    String insertId(int from, int to) {
        sha256.update(buffer, from, to - from);
        byte[] hash = sha256.digest();
        return PREFIX + BASE64URL.encodeToString(Arrays.copyOf(hash, ID_BYTES));
    }

    /** Moves everything from {@code from} on back to {@code to}, dropping what was between. */
    void moveBack(int from, int to) {
        int length = used - from;
        System.arraycopy(buffer, from, buffer, to, length);
        used = to + length;
    }

    /** A whole number as the same bytes as text(Long.toString(v)), without making the string. */
    void integer(long v) {
        int length = digitCount(v);
        ensure(length + 2);
        buffer[used++] = 's';
        buffer[used++] = (byte) length; // at most 20, one varint byte
        digits(v, length);
    }

    /** A double as {@link #normalisedDouble} spells it; whole ones without making a string. */
    void decimal(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e18) {
            integer((long) d);
        } else {
            text(normalisedDouble(d));
        }
    }

    /**
     * A scalar: tag, UTF-8 length, UTF-8 bytes. Length-prefixed rather than quoted, so no escaping and a bulk copy.
     * A lone surrogate gets bytes of its own ({@link Utf8#encode}), so that two strings that differ only there
     * still differ here (getBytes would write '?' for both).
     */
    void text(String s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            if (s.charAt(i) >= 0x80) {
                byte[] utf8 = Utf8.encode(s);
                utf8(utf8, 0, utf8.length);
                return;
            }
        }
        // ASCII, the common case: its UTF-8 bytes are its chars, so no byte[] copy of the string is made
        int at = header(n);
        byte[] b = buffer;
        for (int i = 0; i < n; i++) {
            b[at++] = (byte) s.charAt(i);
        }
        used = at;
    }

    /** The same bytes as text(s) for the string s whose UTF-8 bytes are [from, from + length) of utf8. */
    void utf8(byte[] utf8, int from, int length) {
        used = header(length);
        bytes(utf8, from, from + length);
    }

    /** Makes room for a scalar of length UTF-8 bytes, writes its tag and varint length; returns where its bytes go. */
    private int header(int length) {
        ensure(length + 6);
        byte[] b = buffer;
        int at = used;
        b[at++] = 's';
        while (length >= 0x80) {
            b[at++] = (byte) (length | 0x80);
            length >>>= 7;
        }
        b[at++] = (byte) length;
        return at;
    }

    /** 10.0 and 1e1 are "10", as an integer 10 is; other doubles as Java spells them. */
    static String normalisedDouble(double d) {
        if (d == Math.rint(d) && !Double.isInfinite(d)) {
            return Math.abs(d) < 1e18 ? Long.toString((long) d) : new BigDecimal(d).toBigInteger().toString();
        }
        return Double.toString(d);
    }
}

package io.ampfill.deadletter;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The dead-letter file of a source: {@code <source>.rejected.ndjson} where that is a valid file name. Any source name
 * the file system accepts must give one (a name of 250 bytes gave one over the 255-byte limit of a name, which stopped
 * every run at that file), and no two sources may share one by accident. So a name that is too long, or holds what
 * a name cannot (a {@code /} of a subfolder, a control character, a character the file system's encoding cannot
 * hold), is made valid and marked with a hash of the whole name: {@code <start>...<end>~<12 hex digits>.rejected.ndjson}.
 */
public final class DeadLetterFileName {
    static final String SUFFIX = ".rejected.ndjson";
    /** The longest file name on Linux file systems (ext4, xfs, btrfs, tmpfs) and macOS, in bytes. */
    static final int MAX_NAME_BYTES = 255;
    /** Separates a made-valid name from its hash; a name that has it is hashed too, so no made-valid name is also a plain one. */
    private static final char HASH_MARK = '~';
    private static final int HASH_HEX_DIGITS = 12;
    /** Of a shortened name, the end kept after the "..." (the extension and, for hourly exports, the date and hour). */
    private static final int KEPT_END_BYTES = 64;
    private static final String CUT = "...";

    private DeadLetterFileName() {
    }

    /** The file name for dead letters of {@code source}, in the encoding the JVM gives file names ({@code sun.jnu.encoding}). */
    public static String of(String source) {
        return of(source, fileNameCharset());
    }

    static String of(String source, Charset charset) {
        CharsetEncoder encoder = charset.newEncoder();
        StringBuilder valid = new StringBuilder(source.length());
        boolean changed = false;
        for (int i = 0; i < source.length(); ) {
            int c = source.codePointAt(i);
            int chars = Character.charCount(c);
            if (allowed(c) && encoder.canEncode(source.substring(i, i + chars))) {
                valid.appendCodePoint(c);
            } else {
                valid.append('_');
                changed = true;
            }
            i += chars;
        }
        if (!changed && bytes(valid, charset) + bytes(SUFFIX, charset) <= MAX_NAME_BYTES) {
            return source + SUFFIX;
        }
        String tail = HASH_MARK + hash(source) + SUFFIX;
        int room = MAX_NAME_BYTES - bytes(tail, charset);
        if (bytes(valid, charset) <= room) {
            return valid + tail;
        }
        String end = lastBytes(valid, KEPT_END_BYTES, charset);
        String start = firstBytes(valid, room - bytes(CUT, charset) - bytes(end, charset), charset);
        return start + CUT + end + tail;
    }

    /** Not a path separator, a control character (a newline, NUL), a lone surrogate or U+FFFD (bytes that were not text), nor the hash mark. */
    private static boolean allowed(int c) {
        return c >= 0x20 && c != 0x7f && c != '/' && c != '\\' && c != HASH_MARK && c != 0xFFFD
                && !(c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE) && !Character.isISOControl(c);
    }

    /** Of the name's UTF-16 units, so names that differ in anything (even in lone surrogates) get different hashes. */
    private static String hash(String source) {
        try {
            ByteBuffer units = ByteBuffer.allocate(source.length() * 2); // not getBytes: it makes a lone surrogate "?"
            units.asCharBuffer().put(source);
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(units.array());
            return HexFormat.of().formatHex(digest, 0, HASH_HEX_DIGITS / 2);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static int bytes(CharSequence text, Charset charset) {
        return charset.encode(CharBuffer.wrap(text)).remaining();
    }

    /** The longest start of {@code text}, in whole characters, that takes at most {@code max} bytes. */
    private static String firstBytes(CharSequence text, int max, Charset charset) {
        CharsetEncoder encoder = charset.newEncoder();
        ByteBuffer room = ByteBuffer.allocate(Math.max(0, max));
        CharBuffer in = CharBuffer.wrap(text);
        encoder.encode(in, room, true); // stops at the first character that does not fit whole
        return text.subSequence(0, in.position()).toString();
    }

    /** The longest end of {@code text}, in whole characters, that takes at most {@code max} bytes. */
    private static String lastBytes(CharSequence text, int max, Charset charset) {
        String reversed = new StringBuilder(text).reverse().toString();
        return new StringBuilder(firstBytes(reversed, max, charset)).reverse().toString();
    }

    private static Charset fileNameCharset() {
        try {
            return Charset.forName(System.getProperty("sun.jnu.encoding", Charset.defaultCharset().name()));
        } catch (RuntimeException unknown) {
            return Charset.defaultCharset();
        }
    }
}

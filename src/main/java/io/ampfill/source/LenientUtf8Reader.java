package io.ampfill.source;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Decodes UTF-8 for the CSV parser without ever failing: each malformed sequence becomes U+FFFD and its
 * position (in chars handed out) is remembered, so the reader can reject just the row it falls in rather
 * than the rest of the file. A leading byte order mark is dropped.
 */
final class LenientUtf8Reader extends Reader {
    private static final int BYTE_BUFFER = 1 << 16;

    private final InputStream in;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteBuffer bytes = ByteBuffer.allocate(BYTE_BUFFER).flip();
    private boolean started;
    private boolean inputEnded;
    private long charsHandedOut;
    /** Char offsets of replaced sequences not yet claimed by a row; a queue of at most one parser buffer's worth. */
    private long[] invalidAt = new long[16];
    private int invalidHead;
    private int invalidTail;

    LenientUtf8Reader(InputStream in) {
        this.in = in;
    }

    @Override
    public int read(char[] cbuf, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!started) {
            start();
        }
        CharBuffer out = CharBuffer.wrap(cbuf, off, len);
        while (true) {
            CoderResult result = decoder.decode(bytes, out, inputEnded);
            if (result.isError()) {
                if (!out.hasRemaining()) {
                    break;
                }
                remember(charsHandedOut + out.position() - off);
                out.put('\uFFFD');
                bytes.position(bytes.position() + result.length());
            } else if (result.isOverflow() || out.position() > off) {
                break;
            } else if (inputEnded) {
                return -1;
            } else {
                refill();
            }
        }
        int n = out.position() - off;
        charsHandedOut += n;
        return n;
    }

    /** Whether a malformed sequence was replaced before this char offset; forgets those it reports. */
    boolean invalidBefore(long charOffset) {
        boolean found = false;
        while (invalidHead < invalidTail && invalidAt[invalidHead] < charOffset) {
            invalidHead++;
            found = true;
        }
        return found;
    }

    private void remember(long offset) {
        if (invalidTail == invalidAt.length) {
            if (invalidHead > 0) {
                System.arraycopy(invalidAt, invalidHead, invalidAt, 0, invalidTail - invalidHead);
                invalidTail -= invalidHead;
                invalidHead = 0;
            } else {
                invalidAt = Arrays.copyOf(invalidAt, invalidAt.length * 2);
            }
        }
        invalidAt[invalidTail++] = offset;
    }

    private void start() throws IOException {
        started = true;
        while (!inputEnded && bytes.remaining() < 3) {
            refill();
        }
        if (bytes.remaining() >= 3 && bytes.get(bytes.position()) == (byte) 0xEF
                && bytes.get(bytes.position() + 1) == (byte) 0xBB && bytes.get(bytes.position() + 2) == (byte) 0xBF) {
            bytes.position(bytes.position() + 3);
        }
    }

    private void refill() throws IOException {
        bytes.compact();
        int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
        if (n < 0) {
            inputEnded = true;
        } else {
            bytes.position(bytes.position() + n);
        }
        bytes.flip();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}

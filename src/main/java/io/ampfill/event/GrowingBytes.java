package io.ampfill.event;

import java.util.Arrays;

/**
 * A byte buffer reused from event to event (one per thread), grown when an event needs more: what the line
 * mapper writes, the event's JSON and the insert_id's canonical form, goes into one of these without allocating.
 */
abstract class GrowingBytes {
    private static final int INITIAL_BUFFER = 2048;
    /** A rare huge event may grow a thread's buffer; beyond this it is not kept for the next one. */
    private static final int MAX_KEPT_BUFFER = 1 << 20;

    byte[] buffer = new byte[INITIAL_BUFFER];
    int used;

    /** Starts a new event. */
    final void reset() {
        used = 0;
        if (buffer.length > MAX_KEPT_BUFFER) {
            buffer = new byte[INITIAL_BUFFER];
        }
    }

    final int used() {
        return used;
    }

    /** An ASCII byte: a bracket, a tag, a separator. */
    final void put(char c) {
        ensure(1);
        buffer[used++] = (byte) c;
    }

    /** Appends a copy of the part [from, to) written earlier. */
    final void copy(int from, int to) {
        int length = to - from;
        ensure(length);
        System.arraycopy(buffer, from, buffer, used, length);
        used += length;
    }

    /** Appends all of bytes. */
    final void bytes(byte[] bytes) {
        bytes(bytes, 0, bytes.length);
    }

    /** Appends the part [from, to) of source. */
    final void bytes(byte[] source, int from, int to) {
        int length = to - from;
        ensure(length);
        System.arraycopy(source, from, buffer, used, length);
        used += length;
    }

    /** The length of Long.toString(v), without making it. */
    static int digitCount(long v) {
        int sign = v < 0 ? 1 : 0;
        long rest = v < 0 ? v : -v; // counted as a negative number, so Long.MIN_VALUE needs no special case
        int count = 1;
        while (rest <= -10) {
            rest /= 10;
            count++;
        }
        return sign + count;
    }

    /** Appends the bytes of Long.toString(v), whose length is count (see digitCount), without making the string. */
    final void digits(long v, int count) {
        ensure(count);
        byte[] b = buffer;
        int at = used + count;
        long rest = v < 0 ? v : -v;
        do {
            b[--at] = (byte) ('0' - (int) (rest % 10));
            rest /= 10;
        } while (rest != 0);
        if (v < 0) {
            b[--at] = '-';
        }
        used += count;
    }

    final void ensure(int more) {
        if (used + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, used + more));
        }
    }
}

package io.ampfill.delivery;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The body of a POST /batch: a head made once, the events' JSON as they are with a comma between, and a tail made
 * once. It is written from the events' own bytes as it goes out, not copied into a body first: a request is on the
 * wire for a whole round trip, and against a far Amplitude the copies of the requests in flight held as many bytes
 * as the events themselves (a third of the heap at 1 s, and most of what the garbage collector moved). Repeatable:
 * a client may write it again.
 */
public final class RequestBody {
    private final byte[] head;
    private final List<OutboundEvent> events;
    private final byte[] tail;
    private final long length;

    RequestBody(byte[] head, List<OutboundEvent> events, byte[] tail) {
        this.head = head;
        this.events = events;
        this.tail = tail;
        long size = head.length + tail.length + Math.max(events.size() - 1, 0);
        for (OutboundEvent e : events) {
            size += e.json().length;
        }
        this.length = size;
    }

    /** Bytes in all: the Content-Length. */
    public long length() {
        return length;
    }

    /** Writes the whole body. */
    public void writeTo(OutputStream out) throws IOException {
        out.write(head);
        for (int i = 0; i < events.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.write(events.get(i).json());
        }
        out.write(tail);
    }

    /** The body as one array, for a client that takes no stream (a test's, the emulator's own). */
    public byte[] toByteArray() {
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) length);
        try {
            writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not throw
        }
        return out.toByteArray();
    }
}

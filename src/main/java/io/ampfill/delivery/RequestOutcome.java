package io.ampfill.delivery;

import java.util.BitSet;
import java.util.Map;
import java.util.TreeMap;

/**
 * What became of a request's events, by their place in the request: those done (acknowledged, or refused with a reason:
 * listed by a 400, or too large alone for a 413), and the answer that left the others unsent, with the part of the
 * request it answered.
 */
final class RequestOutcome {
    private static final BatchAnswer ACKNOWLEDGED = new BatchAnswer.Acknowledged();

    final BitSet done;
    /** The refused events' places and reasons; empty for most requests. */
    final Map<Integer, String> refused = new TreeMap<>();
    /** The answer that stopped the request, or the acknowledgement when every event is done. */
    BatchAnswer last = ACKNOWLEDGED;
    /** The part [failedFrom, failedTo) of the request that got {@link #last}. */
    int failedFrom;
    int failedTo;

    RequestOutcome(int size) {
        this.done = new BitSet(size);
    }

    boolean allDone(int size) {
        return done.nextClearBit(0) >= size;
    }

    void acknowledged(int from, int to) {
        done.set(from, to);
    }

    void refused(int position, String reason) {
        done.set(position);
        refused.put(position, reason);
    }

    void stoppedAt(BatchAnswer answer, int from, int to) {
        last = answer;
        failedFrom = from;
        failedTo = to;
    }
}

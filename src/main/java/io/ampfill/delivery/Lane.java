package io.ampfill.delivery;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/** One device's events in source order, its pace and its retry state; guarded by the lanes' lock. */
final class Lane {
    /**
     * How long an unpaced lane stays idle before it goes (a paced one goes once its bucket is full): a device whose events
     * are spread over the input (time order) would otherwise have its lane made again for nearly every batch.
     */
    static final long UNPACED_IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);

    enum State { IDLE, READY, WAITING, IN_FLIGHT, STARVED }

    final String key;
    /** The user_id of the last event that came in: the next one of the same user shares it ({@link OutboundEvent#shareIds}). */
    String userId;
    final TokenBucket bucket;
    ArrayDeque<OutboundEvent> queue = new ArrayDeque<>();
    /** Its queue has held more than a small one's events since it was made, so its array has grown. */
    boolean queueGrown;
    /** It is in the scheduler's list of idle lanes, since this time. */
    boolean listedIdle;
    long idleSince;
    /** While it is paused for a daily quota: who Amplitude said is over it ("device ID", "user ID"), and since when. */
    String pausedAs;
    long pausedAt;
    /** Its events beyond its share of memory, on disk; new events go there too until it is empty. */
    LaneSpill spill;
    /** Where its batch in flight is in its request's events: [batchFrom, batchTo). */
    int batchFrom;
    int batchTo;
    State state = State.IDLE;
    /** When a WAITING lane is due. */
    long wakeAt;
    /** Not sent before this time: an answer asked it to wait. */
    long notBefore;
    /** Failed attempts in a row, and when the first of them was answered (0: none). */
    int attempt;
    long firstFailure;
    /** Most events per batch; shrinks while a daily quota refuses the lane, grows back on success. */
    int batchCap = Integer.MAX_VALUE;

    /** A lane whose bucket was empty at {@code emptyAt}, an instant of the past, and has filled since. */
    Lane(String key, double eps, long now, long emptyAt) {
        this.key = key;
        this.bucket = new TokenBucket(eps, now, emptyAt);
    }

    /** The events it could send now, at most its batch: what it counts for among the ready lanes. */
    int sendable() {
        return Math.min(queue.size(), batchCap);
    }

    /** Nothing a new lane for the device would not have too: no wait, no failure, no rate or batch lowered by a 429. */
    boolean remembersNothing() {
        return queue.isEmpty() && spill == null && attempt == 0 && batchCap == Integer.MAX_VALUE && !bucket.slowed()
                && pausedAs == null;
    }

    /**
     * Whether an idle lane may go: a paced one once it could send a second's worth, by its bucket and by what Amplitude
     * has given back since its last answer, so a new lane (with a full bucket) is the same; an unpaced one after a second.
     */
    boolean mayGo(long now) {
        return bucket.paced() ? bucket.full(now) : now - idleSince >= UNPACED_IDLE_NANOS;
    }

    /** Answered with its events taken: its failures are forgotten, its batch and rate grow back. */
    void succeeded(long now) {
        bucket.answered(now);
        attempt = 0;
        firstFailure = 0;
        batchCap = batchCap > Integer.MAX_VALUE / 2 ? Integer.MAX_VALUE : batchCap * 2;
        bucket.speedUp();
    }
}

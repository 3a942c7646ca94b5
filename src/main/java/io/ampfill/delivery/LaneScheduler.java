package io.ampfill.delivery;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The lanes and when each may send: a state machine without threads, driven by {@link DeviceLanes} under its lock, and
 * by tests step by step on a clock of their own (hand in events, take the next request at a time, answer it, move on).
 *
 * <p>Each device (device_id, else user_id) has a {@link Lane}: its events wait in source order, at most one batch of
 * them is in flight, and it is paced by its own {@link TokenBucket}. A lane is idle (nothing to send), ready (in line),
 * waiting (for tokens, a backoff or a pause), in flight or starved (its events on disk wait for room in the window).
 * Requests are filled from the ready lanes ({@link RequestPacker}); an answer decides, per lane ({@link AnswerPolicy}),
 * when it may go again. Events read but not settled are bounded by the in-flight window; a lane's events beyond its
 * share wait on disk ({@link LaneSpill}). Idle lanes are forgotten once their bucket is full again.
 *
 * <p>Why not Camel's Aggregator + Throttler + redelivery: a batch waiting out a 429 or a quota pause must hold back the
 * later events of its own device and of no other, a 400 must resend part of a request, a 413 must split it, and a
 * partial group must never be dropped on shutdown. Camel's redelivery repeats a whole exchange (blocking a thread, or
 * losing order when asynchronous), and the Throttler paces a route, not each device. Here a failed batch goes back to
 * the head of its lane with a "not before" time, so order and isolation follow from the data structure.
 */
final class LaneScheduler {
    /** How long a request that would go out part-full may wait for more events while another is on the wire. */
    static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /**
     * The requests in flight that backfill.max-in-flight-events is for: the fixed concurrency it was sized with. An
     * adaptive limit above it widens the window in proportion.
     */
    static final int WINDOW_REQUESTS = 8;
    /** Spill files open at once, at most; beyond, a heavy device's events wait in memory (and hold up the reading). */
    private static final int MAX_SPILLING_LANES = 256;
    private static final Logger LOG = LoggerFactory.getLogger(LaneScheduler.class);

    /** What became of an event handed in. */
    enum Offer {
        /** In its lane's memory, counted in the window. */
        IN_LANE,
        /** On disk, behind the lane's other waiting events: outside the window. */
        SPILLED,
        /** The window is full: hand it in again once an answer has made room. */
        WINDOW_FULL
    }

    private final DeliverySettings settings;
    private final DeliveryClock clock;
    private final AnswerPolicy policy;
    private final RequestPacker packer;
    private final RequestConcurrency concurrency;
    /** When the devices' buckets were empty: see {@link DeviceLanes}. */
    private final long bucketsEmptyAt;
    private final int laneMemoryEvents;
    /** Told, under the lock, when delivery stops on its own: the driver wakes whoever waits. */
    private final Runnable onStop;

    private final Map<String, Lane> lanes = new HashMap<>();
    private final ReadyLanes ready = new ReadyLanes();
    private final PriorityQueue<Lane> waiting = new PriorityQueue<>(Comparator.comparingLong(l -> l.wakeAt));
    /**
     * Idle lanes, in the order they went idle, to be forgotten once their bucket is full again: per-device state must
     * stay bounded however many devices a run sees (a million devices of one event each filled a 256 MB heap with
     * lanes kept for 30 s). A forgotten lane is no loss: a new lane has a full bucket, as the old one had by then.
     */
    private final ArrayDeque<Lane> idleLanes = new ArrayDeque<>();
    /** Lanes whose memory is empty and whose spilled events wait for room in the window. */
    private final ArrayDeque<Lane> starved = new ArrayDeque<>();
    /** Lines about devices paused for their daily quota, told when due. */
    private final QuotaPauseNotices quotaNotices = new QuotaPauseNotices();

    /** Events in memory not yet acknowledged or dead-lettered (spilled ones are not counted: they are on disk). */
    private long unsettled;
    /** The JSON bytes of the unsettled events: with the count, what bounds the heap whatever the events' size. */
    private long unsettledBytes;
    /** Events waiting on disk, and the lanes they belong to. */
    private long spilledEvents;
    private int spillingLanes;
    private boolean spillAnnounced;
    private int requestsInFlight;
    /** Since when a part-full request has been held back (0: none is). */
    private long lingeringSince;
    private boolean stopped;
    /** Why delivery stopped on its own (spilled events could not be kept or read back); told by the driver. */
    private String stoppedBecause;
    /**
     * With pacing off (amplitude.device-eps=0), the rate a 429 showed Amplitude allows a device: from then on a device
     * refused so, and every lane made, is paced at it. 0 until then. Else such a device sent its full batch again and
     * again, refused every time by a server that takes no more than a second's worth at once.
     */
    private double learnedEps;
    /** The line that says pacing was learned, told by the driver outside the lock. */
    private String learnedEpsNotice;
    /**
     * The origins taken out of the lanes ({@link #withdraw}), each with how many of its events were dropped so far: its
     * events in flight that come back unsent, and its events on disk, are dropped as they turn up. Weak: an origin is
     * forgotten once no event refers to it.
     */
    private final Map<EventOrigin, long[]> withdrawn = new WeakHashMap<>();

    /**
     * @param bucketsEmptyAt when each device's bucket is taken to be empty (see {@link DeviceLanes})
     * @param onStop         told when delivery stops on its own, so that whoever waits wakes
     */
    LaneScheduler(DeliverySettings settings, DeliveryClock clock, Backoff backoff, long bucketsEmptyAt, Runnable onStop) {
        this.settings = settings;
        this.clock = clock;
        this.policy = new AnswerPolicy(settings.quotaPause(), settings.giveUpAfter(), backoff);
        this.packer = new RequestPacker(settings.apiKey(), settings.minIdLength(), settings.maxEventsPerRequest(),
                settings.maxRequestBytes());
        this.concurrency = RequestConcurrency.of(settings);
        this.bucketsEmptyAt = bucketsEmptyAt;
        this.laneMemoryEvents = settings.laneMemoryEvents();
        this.onStop = onStop;
    }

    RequestPacker packer() {
        return packer;
    }

    RequestConcurrency concurrency() {
        return concurrency;
    }

    // ---- events in ----

    /**
     * Puts an event, in source order, into its lane, or on disk behind its lane's waiting events, or says the window is
     * full. The window is checked per event; an event larger than the window goes in alone when nothing else is in
     * flight. The clock is read only where it is needed: most events join a lane that is already going.
     *
     * @throws IllegalStateException delivery has stopped (a fatal answer, or spilled events could not be kept)
     */
    Offer offer(OutboundEvent event) {
        if (stopped) {
            throw new IllegalStateException(stoppedBecause != null ? stoppedBecause : "delivery has stopped");
        }
        Lane lane = lanes.get(event.laneKey());
        if (lane == null) {
            lane = new Lane(event.laneKey(), settings.deviceEps() > 0 ? settings.deviceEps() : learnedEps, clock.nanoTime(),
                    bucketsEmptyAt);
            lanes.put(lane.key, lane);
        }
        event.shareIds(lane.key, lane.userId);
        lane.userId = event.userId();
        // a lane that already holds its share waits on disk: the window stays open for the others
        if (lane.spill != null || (lane.queue.size() >= laneMemoryEvents && canSpill())) {
            spill(lane, event);
            return Offer.SPILLED;
        }
        long bytes = event.json().length;
        if (windowFull(bytes)) {
            return Offer.WINDOW_FULL;
        }
        lane.queue.addLast(event);
        unsettled++;
        unsettledBytes += bytes;
        if (lane.state == Lane.State.IDLE) {
            schedule(lane, clock.nanoTime());
        } else if (lane.state == Lane.State.READY) {
            ready.grew(lane);
        }
        return Offer.IN_LANE;
    }

    /** Whether one more event of this size would overfill the in-flight window; an event goes in alone when it is empty. */
    private boolean windowFull(long bytes) {
        return unsettled > 0 && (unsettled + 1 > windowEvents() || unsettledBytes + bytes > settings.maxInFlightBytes());
    }

    /**
     * The window's events: backfill.max-in-flight-events, and with an adaptive concurrency, that many per
     * {@link #WINDOW_REQUESTS} requests the limit allows. Events in flight bound the throughput to
     * the window per round trip, so a far Amplitude needs as large a window as it needs requests in flight; the byte
     * bound (backfill.max-in-flight-bytes) still holds whatever the limit.
     */
    private long windowEvents() {
        long events = settings.maxInFlightEvents();
        if (!concurrency.adaptive()) {
            return events;
        }
        int limit = concurrency.limit();
        return limit <= WINDOW_REQUESTS ? events : events / WINDOW_REQUESTS * limit;
    }

    private boolean canSpill() {
        return settings.spillDir() != null && spillingLanes < MAX_SPILLING_LANES;
    }

    private void spill(Lane lane, OutboundEvent event) {
        try {
            if (lane.spill == null) {
                lane.spill = LaneSpill.create(settings.spillDir());
                spillingLanes++;
                if (!spillAnnounced) {
                    spillAnnounced = true;
                    LOG.info("device {} has more than {} events waiting to be sent; its later events wait on disk in {}"
                                    + " so the other devices go on (said once; other devices may follow)",
                            lane.key, laneMemoryEvents, settings.spillDir());
                }
            }
            lane.spill.add(event);
            spilledEvents++;
        } catch (IOException e) {
            throw stop("cannot keep the waiting events of device " + lane.key + " on disk in " + settings.spillDir() + ": " + e);
        }
    }

    /**
     * Brings a lane's spilled events back into memory, in order, as far as its share and the window allow. When
     * none is left on disk, the lane takes new events in memory again.
     */
    private void refill(Lane lane) {
        LaneSpill spill = lane.spill;
        try {
            while (!spill.isEmpty() && lane.queue.size() < laneMemoryEvents) {
                OutboundEvent next = spill.peek(lane.key);
                long[] dropped = withdrawn.isEmpty() ? null : withdrawn.get(next.origin());
                if (dropped != null) {
                    spill.take(lane.key); // counted as dropped when its origin was withdrawn
                    spilledEvents--;
                    continue;
                }
                long bytes = next.json().length;
                if (windowFull(bytes)) {
                    break;
                }
                OutboundEvent back = spill.take(lane.key);
                back.shareIds(lane.key, lane.userId); // its ids were read back from disk: copies of their own
                lane.queue.addLast(back);
                spilledEvents--;
                unsettled++;
                unsettledBytes += bytes;
            }
        } catch (UncheckedIOException e) {
            stop(e.getMessage() + ": " + e.getCause());
            return;
        }
        if (spill.isEmpty()) {
            spill.close();
            lane.spill = null;
            spillingLanes--;
        }
    }

    /** Gives the starved lanes what room the window has now. */
    private void feedStarved(long now) {
        for (int n = starved.size(); n > 0 && !stopped; n--) {
            Lane lane = starved.pollFirst();
            lane.state = Lane.State.IDLE;
            schedule(lane, now); // refills it, or starves it again
        }
    }

    // ---- when a lane may send ----

    private void schedule(Lane lane, long now) {
        if (lane.spill != null && lane.queue.size() < laneMemoryEvents / 2 + 1) {
            refill(lane);
        }
        if (lane.queue.isEmpty()) {
            if (lane.spill != null) {
                lane.state = Lane.State.STARVED; // fed when the window has room again (feedStarved)
                starved.addLast(lane);
                return;
            }
            lane.state = Lane.State.IDLE;
            lane.idleSince = now;
            if (lane.queueGrown) {
                lane.queue = new ArrayDeque<>(); // an empty lane keeps no large array
                lane.queueGrown = false;
            }
            if (!lane.listedIdle) {
                lane.listedIdle = true;
                idleLanes.addLast(lane);
            }
            return;
        }
        long due = Math.max(lane.notBefore, lane.bucket.dueAt(now, wantedBatch(lane)));
        if (due <= now) {
            lane.state = Lane.State.READY;
            ready.add(lane);
        } else {
            lane.state = Lane.State.WAITING;
            lane.wakeAt = due;
            waiting.add(lane);
        }
    }

    /** A paced lane waits until it can send a full second's worth (or all it has), so requests stay large. */
    private int wantedBatch(Lane lane) {
        return Math.min(lane.sendable(), Math.min(settings.maxEventsPerRequest(), lane.bucket.capacity()));
    }

    /**
     * Forgets the idle lanes whose bucket is full again (unpaced: idle for a second), oldest idle first. A bucket fills
     * within about a second, so the lanes stop at the first one still filling: those behind it went idle later. A lane
     * that remembers a 429 (a lowered rate or batch size, a quota pause) is kept, so that a device coming back is no
     * faster than Amplitude let it be.
     */
    private void forgetIdleLanes(long now) {
        while (!idleLanes.isEmpty()) {
            Lane lane = idleLanes.peekFirst();
            boolean idle = lane.state == Lane.State.IDLE;
            if (idle && lane.remembersNothing() && !lane.mayGo(now)) {
                return;
            }
            idleLanes.pollFirst();
            lane.listedIdle = false; // a lane busy again is listed again when it next goes idle
            if (idle && lane.remembersNothing() && lane.notBefore <= now) {
                lanes.remove(lane.key);
            }
        }
    }

    // ---- requests out ----

    /**
     * The next request to send at {@code now}, or null: no sender is free, no lane is ready, or a part-full request
     * waits a little for more events while another is on the wire. A request that would go out part-full waits at most
     * {@link #LINGER_NANOS}: the reader soon tops it up, and fewer, fuller requests cost less on both sides; never when
     * nothing is on the wire, so a slow request holds up no one for long.
     */
    Request nextRequest(long now) {
        while (!waiting.isEmpty() && waiting.peek().wakeAt <= now) {
            schedule(waiting.poll(), now);
        }
        forgetIdleLanes(now);
        if (stopped || requestsInFlight >= concurrency.limit() || ready.isEmpty()) {
            return null;
        }
        if (requestsInFlight > 0 && !packer.fillsARequest(ready.events(), unsettled == 0 ? 0 : unsettledBytes / unsettled)) {
            if (lingeringSince == 0) {
                lingeringSince = now;
            }
            if (lingeringSince + LINGER_NANOS > now) {
                return null;
            }
        }
        lingeringSince = 0;
        Request request = packer.fill(ready, now, lane -> schedule(lane, now));
        if (request.size() == 0) {
            return null;
        }
        requestsInFlight++;
        request.inFlightAtSend = requestsInFlight;
        return request;
    }

    /**
     * When {@link #nextRequest} or {@link #dueNotices} may have something, at the earliest (Long.MAX_VALUE: not until
     * an event comes in or an answer is settled).
     */
    long wakeAt(long now) {
        long wakeAt = quotaNotices.dueAt();
        if (stopped || requestsInFlight >= concurrency.limit()) {
            return wakeAt;
        }
        if (!waiting.isEmpty()) {
            wakeAt = Math.min(wakeAt, waiting.peek().wakeAt);
        }
        if (!ready.isEmpty()) {
            wakeAt = Math.min(wakeAt, lingeringSince == 0 ? now : lingeringSince + LINGER_NANOS);
        }
        return wakeAt;
    }

    /** The lines about quota pauses due now (devices paused or resuming within a second make one line). */
    List<String> dueNotices(long now) {
        return quotaNotices.dueAt() <= now ? quotaNotices.takeDue(now) : List.of();
    }

    /** The line that says pacing was learned from a 429, once; else null. */
    String takeLearnedPacingNotice() {
        String notice = learnedEpsNotice;
        learnedEpsNotice = null;
        return notice;
    }

    // ---- answers back ----

    /**
     * Back on the lanes after a request's answer: done events leave the window, the others return to the head of their
     * lane in their order, and the answer decides when each lane may go again. Returns the events given up on (past
     * amplitude.retry.give-up-after), to be dead-lettered; no event is settled here, and the request still counts as in
     * flight until {@link #requestDone()}.
     */
    List<OutboundEvent> answered(Request request, RequestOutcome outcome, long now) {
        if (outcome.last instanceof BatchAnswer.Fatal) {
            stopped = true;
        }
        List<OutboundEvent> gaveUp = new ArrayList<>(0);
        // most answers acknowledge the whole request: then no event need be looked at again
        if (outcome.allDone(request.size())) {
            unsettled -= request.size();
            unsettledBytes -= request.bytes - request.size(); // request.bytes counts a comma per event
            for (Lane lane : request.lanes) {
                succeeded(lane, now);
                if (lane.state == Lane.State.IN_FLIGHT) {
                    schedule(lane, now);
                }
            }
        } else {
            for (Lane lane : request.lanes) {
                settleLane(request, lane, outcome, now, gaveUp);
                if (lane.state == Lane.State.IN_FLIGHT) {
                    schedule(lane, now);
                }
            }
        }
        if (!starved.isEmpty()) {
            feedStarved(now);
        }
        return gaveUp;
    }

    /**
     * One lane of an answer that did not settle the whole request: its done events leave the window, its others return
     * to its head or, given up on, into {@code gaveUp}. A method of its own: the JIT compiles it, small, once it has run
     * often enough, rather than all of its caller "on stack" (as for the other per-event and per-lane loops).
     */
    private void settleLane(Request request, Lane lane, RequestOutcome outcome, long now, List<OutboundEvent> gaveUp) {
        BitSet done = outcome.done;
        int settledHere = 0;
        long settledBytes = 0;
        // made only for a lane with unsent events: most answers settle every event of a request
        List<OutboundEvent> unsent = List.of();
        List<Integer> unsentIndexInFailedPart = List.of();
        for (int position = lane.batchFrom; position < lane.batchTo; position++) {
            OutboundEvent e = request.events.get(position);
            if (done.get(position)) {
                settledHere++;
                settledBytes += e.json().length;
            } else {
                if (unsent.isEmpty()) {
                    unsent = new ArrayList<>();
                    unsentIndexInFailedPart = new ArrayList<>();
                }
                unsent.add(e);
                if (position >= outcome.failedFrom && position < outcome.failedTo) {
                    unsentIndexInFailedPart.add(position - outcome.failedFrom);
                }
            }
        }
        if (!unsent.isEmpty() && stopped) {
            // nothing goes out any more; the events stay unsettled so their source does not commit
            returnToHead(lane, unsent);
        } else {
            LaneDecision decision = policy.decide(outcome.last, lane.key, unsent, unsentIndexInFailedPart, lane.attempt,
                    lane.firstFailure, now);
            if (decision instanceof LaneDecision.GiveUp giveUp) {
                slowDownIfThrottled(lane, giveUp.throttled(), giveUp.epsThreshold(), now);
                gaveUp.addAll(unsent);
                settledHere += unsent.size();
                for (OutboundEvent e : unsent) {
                    settledBytes += e.json().length;
                }
                succeeded(lane, now);
            } else if (decision instanceof LaneDecision.Settle) {
                succeeded(lane, now);
            } else {
                returnToHead(lane, unsent);
                apply(lane, decision, now);
            }
        }
        unsettled -= settledHere;
        unsettledBytes -= settledBytes;
    }

    /** When a lane with unsent events may go again, as the policy decided. */
    private void apply(Lane lane, LaneDecision decision, long now) {
        if (decision instanceof LaneDecision.PauseForQuota pause) {
            lane.batchCap = pause.batchCap();
            if (lane.pausedAs == null) { // told once per pause, not again each time its quota still refuses it
                lane.pausedAs = pause.who();
                lane.pausedAt = now;
                quotaNotices.paused(pause.who(), clock.epochMillis() + settings.quotaPause().toMillis(),
                        settings.quotaPause().toNanos(), now);
            }
            lane.notBefore = pause.until();
        } else if (decision instanceof LaneDecision.ResendAt resend) {
            slowDownIfThrottled(lane, resend.throttled(), resend.epsThreshold(), now);
            lane.attempt = resend.attempt();
            lane.firstFailure = resend.firstFailure();
            lane.notBefore = resend.at();
        } else {
            lane.notBefore = now; // ResendNow
        }
    }

    /** A lane refused for its rate goes slower: halved if paced, else paced from now on at what Amplitude allows. */
    private void slowDownIfThrottled(Lane lane, boolean throttled, double epsThreshold, long now) {
        if (!throttled) {
            return;
        }
        if (lane.bucket.paced()) {
            lane.bucket.slowDown();
        } else {
            learnPacing(lane, epsThreshold, now);
        }
    }

    /** Paces a lane refused for its rate while pacing is off, at the rate Amplitude said it allows (see {@link #learnedEps}). */
    private void learnPacing(Lane lane, double epsThreshold, long now) {
        if (learnedEps == 0) {
            learnedEps = epsThreshold > 0 ? epsThreshold : DeliverySettings.RECOMMENDED_DEVICE_EPS;
            learnedEpsNotice = String.format(Locale.ROOT, "amplitude.device-eps is 0 (no pacing), but Amplitude refused %s as"
                    + " over its rate (429, %s): from now on ampfill paces it, any device refused so and every new one at"
                    + " %d events/s, in batches of at most that many", lane.key,
                    epsThreshold > 0 ? "at most " + Math.round(epsThreshold) + " events/s" : "no rate given",
                    (long) (learnedEps * DeliverySettings.RATE_MARGIN));
        }
        lane.bucket.startPacing(learnedEps, now);
    }

    /** Its events were acknowledged (or settled): it speeds up again and, if it was paused for its quota, a line says it sends again. */
    private void succeeded(Lane lane, long now) {
        lane.succeeded(now);
        if (lane.pausedAs != null) {
            quotaNotices.resumed(lane.pausedAs, now - lane.pausedAt, now);
            lane.pausedAs = null;
        }
    }

    /** Puts unsent events back at the head of their lane, in their order; those of a withdrawn origin are dropped. */
    private void returnToHead(Lane lane, List<OutboundEvent> unsent) {
        for (int i = unsent.size() - 1; i >= 0; i--) {
            OutboundEvent e = unsent.get(i);
            long[] dropped = withdrawn.isEmpty() ? null : withdrawn.get(e.origin());
            if (dropped != null) {
                dropped[0]++;
                unsettled--;
                unsettledBytes -= e.json().length;
            } else {
                lane.queue.addFirst(e);
            }
        }
    }

    // ---- an origin taken out ----

    /**
     * Takes an origin's events out of the lanes (a source that no longer owns them: a Kafka partition moved to another
     * instance, which reads them again from its committed offset). Its events waiting in memory are dropped now, those
     * on disk as they come back, those in flight if their answer sends them back; none of them is settled. Each lane
     * keeps its order: what is dropped is a device's tail of that origin, and the device's other events keep theirs.
     * Returns how many of its events were dropped so far ({@link #droppedOf}).
     */
    long withdraw(EventOrigin origin, long now) {
        long[] dropped = withdrawn.computeIfAbsent(origin, o -> new long[1]);
        for (Lane lane : lanes.values()) {
            if (!lane.queue.isEmpty()) {
                dropped[0] += dropQueued(lane, origin);
            }
            if (lane.spill != null) {
                dropped[0] += lane.spill.count(origin); // dropped when read back (refill)
            }
        }
        if (!starved.isEmpty()) {
            feedStarved(now);
        }
        return dropped[0];
    }

    /** How many of a withdrawn origin's events were dropped so far (0 for one never withdrawn). */
    long droppedOf(EventOrigin origin) {
        long[] dropped = withdrawn.get(origin);
        return dropped == null ? 0 : dropped[0];
    }

    private int dropQueued(Lane lane, EventOrigin origin) {
        int sendableBefore = lane.sendable();
        int before = lane.queue.size();
        long[] bytes = new long[1];
        lane.queue.removeIf(e -> {
            if (e.origin() != origin) {
                return false;
            }
            bytes[0] += e.json().length;
            return true;
        });
        int dropped = before - lane.queue.size();
        unsettled -= dropped;
        unsettledBytes -= bytes[0];
        if (lane.state == Lane.State.READY) {
            // an emptied lane stays in line: the packer finds nothing to take and sets it idle
            ready.shrank(sendableBefore - lane.sendable());
        }
        return dropped;
    }

    /**
     * A request's events are settled: its sender is free. Until then, what the settled events' sources send next (an
     * exchange that completed lets its producer send the next one) lingers, and goes out together, not one by one.
     */
    void requestDone() {
        requestsInFlight--;
    }

    // ---- the whole ----

    /** Every event handed in is settled (none in memory, none on disk). */
    boolean allSettled() {
        return unsettled == 0 && spilledEvents == 0;
    }

    boolean stopped() {
        return stopped;
    }

    /** Why delivery stopped on its own, or null (stopped by a fatal answer, or by its owner, or not stopped). */
    String stoppedBecause() {
        return stoppedBecause;
    }

    /** Stops delivery for a reason of its own; what was not acknowledged stays unsettled for the next run. */
    IllegalStateException stop(String reason) {
        if (stoppedBecause == null) {
            stoppedBecause = reason;
        }
        stopped = true;
        onStop.run();
        return new IllegalStateException(reason);
    }

    /** Nothing goes out any more; spilled events are dropped from disk (they stay unsettled: the source reads them again). */
    void close() {
        stopped = true;
        for (Lane lane : lanes.values()) {
            if (lane.spill != null) {
                lane.spill.close();
                lane.spill = null;
            }
        }
    }

    int requestsInFlight() {
        return requestsInFlight;
    }

    /** What the lanes hold now (see {@link LaneGauges}); one pass over the lanes. */
    LaneGauges gauges(long now) {
        int paused = 0;
        LaneGauges.SlowestDevice slowest = null;
        for (Lane lane : lanes.values()) {
            if (lane.pausedAs != null) {
                paused++;
            }
            long events = lane.queue.size() + (lane.spill == null ? 0 : lane.spill.size())
                    + (lane.state == Lane.State.IN_FLIGHT ? lane.batchTo - lane.batchFrom : 0);
            double rate = lane.bucket.rate();
            if (events == 0 || rate <= 0) {
                continue;
            }
            LaneGauges.SlowestDevice device = new LaneGauges.SlowestDevice(lane.key, events, rate, Math.max(0, lane.notBefore - now));
            if (slowest == null || device.secondsLeft() > slowest.secondsLeft()) {
                slowest = device;
            }
        }
        return new LaneGauges(unsettled, spilledEvents, paused, slowest, requestsInFlight, concurrency.limit());
    }

    int laneCount() {
        return lanes.size();
    }
}

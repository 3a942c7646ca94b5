package io.ampfill.delivery;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One lane per device (device_id, else user_id): its events wait in source order, at most one batch of
 * them is in flight, and it is paced by its own token bucket. Requests are filled from the lanes that
 * are ready, several devices to a request, and sent by a bounded pool.
 *
 * <p>Why not Camel's Aggregator + Throttler + redelivery: a batch waiting out a 429 or a quota pause
 * must hold back the later events of its own device and of no other, a 400 must resend part of a
 * request, a 413 must split it, and a partial group must never be dropped on shutdown. Camel's
 * redelivery repeats a whole exchange (blocking a thread, or losing order when asynchronous), and the
 * Throttler paces a route, not each device. Here a failed batch goes back to the head of its lane with
 * a "not before" time, so order and isolation follow from the data structure.
 */
public final class DeviceLanes implements AutoCloseable {
    /** Events a lane's queue holds before it grows: a lane that had more gets a new, small one when it empties. */
    private static final int SMALL_QUEUE = 16;
    /**
     * How long an unpaced lane stays idle before it goes (a paced one goes once its bucket is full): a device whose events
     * are spread over the input (time order) would otherwise have its lane made again for nearly every batch.
     */
    private static final long UNPACED_IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** How long a request that would go out part-full may wait for more events while another is on the wire. */
    private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /** Spill files open at once, at most; beyond, a heavy device's events wait in memory (and hold up the reading). */
    private static final int MAX_SPILLING_LANES = 256;
    private static final Logger LOG = LoggerFactory.getLogger(DeviceLanes.class);

    private final DeliverySettings settings;
    private final BatchPoster poster;
    private final DeliveryListener listener;
    private final Backoff backoff;
    private final byte[] requestHead;
    private final byte[] requestTail;
    /** What a request's events may take, by amplitude.max-request-bytes, once its head and tail are counted. */
    private final long eventBytesPerRequest;
    private final int laneMemoryEvents;
    private boolean spillAnnounced;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition dispatch = lock.newCondition();
    private final Condition space = lock.newCondition();
    private final Map<String, Lane> lanes = new HashMap<>();
    private final ArrayDeque<Lane> ready = new ArrayDeque<>();
    /**
     * The events the ready lanes could send now, each lane's capped at its batch size: kept as lanes join and leave
     * the ready line, so the dispatcher need not walk thousands of lanes (a cache miss each) every time it wakes.
     */
    private long readyEvents;
    private final PriorityQueue<Lane> waiting = new PriorityQueue<>(Comparator.comparingLong(l -> l.wakeAt));
    /** Events in memory not yet acknowledged or dead-lettered (spilled ones are not counted: they are on disk). */
    private long unsettled;
    /** The JSON bytes of the unsettled events: with the count, what bounds the heap whatever the events' size. */
    private long unsettledBytes;
    private int freeSenders;
    private boolean stopped;
    /**
     * Idle lanes, in the order they went idle, to be forgotten once their bucket is full again: per-device state must
     * stay bounded however many devices a run sees (a million devices of one event each filled a 256 MB heap with
     * lanes kept for 30 s). A forgotten lane is no loss: a new lane has a full bucket, as the old one had by then.
     */
    private final ArrayDeque<Lane> idleLanes = new ArrayDeque<>();
    /** Since when a part-full request has been held back (0: none is). */
    private long lingeringSince;
    /** Events waiting on disk (see {@link LaneSpill}), and the lanes they belong to. */
    private long spilledEvents;
    private int spillingLanes;
    /** Lanes whose memory is empty and whose spilled events wait for room in the window. */
    private final ArrayDeque<Lane> starved = new ArrayDeque<>();
    /** Why delivery stopped on its own (spilled events could not be kept or read back), told outside the lock. */
    private String stoppedBecause;
    /**
     * With pacing off (amplitude.device-eps=0), the rate a 429 showed Amplitude allows a device: from then on a device
     * refused so, and every lane made, is paced at it. 0 until then. Else such a device sent its full batch again and
     * again, refused every time by a server that takes no more than a second's worth at once.
     */
    private double learnedEps;
    /** The line that says pacing was learned, told outside the lock. */
    private String learnedEpsNotice;

    private final DeliveryClock clock;
    private final EndpointWatch endpoint;
    /** Lines about devices paused for their daily quota, printed by the dispatcher when due. */
    private final QuotaPauseNotices quotaNotices = new QuotaPauseNotices();
    private final ExecutorService senders;
    private final Thread dispatcher;
    /** When the devices' buckets were empty: see the constructor. */
    private final long bucketsEmptyAt;

    /**
     * @param bucketsEmptyAt when the run began (System.nanoTime()): each device's bucket is taken to be empty then
     *                       and to fill at the device's rate from there. A run just before, for the same devices,
     *                       may have spent their buckets at Amplitude right up to its end; with full buckets at the
     *                       start, a run begun right after another sent each device a second's worth at once and
     *                       was answered 429 (3,000 events of one device, twice in a row, against the emulator at
     *                       300/s: one 429, and 12.1 s instead of 9.7). The cost: a device's first second of
     *                       sending starts when the run does, not when its first event is read.
     */
    public DeviceLanes(DeliverySettings settings, BatchPoster poster, DeliveryListener listener, long bucketsEmptyAt) {
        this(settings, poster, listener, bucketsEmptyAt, DeliveryClock.SYSTEM);
    }

    /** With a clock of the caller's: tests move it on to test pacing, backoff and pauses without waiting. */
    DeviceLanes(DeliverySettings settings, BatchPoster poster, DeliveryListener listener, long bucketsEmptyAt,
                DeliveryClock clock) {
        this.clock = clock;
        this.endpoint = new EndpointWatch(listener::notice);
        this.settings = settings;
        this.bucketsEmptyAt = bucketsEmptyAt;
        this.poster = poster;
        this.listener = listener;
        this.backoff = new Backoff(settings.retryBase(), settings.retryMaxBackoff(),
                () -> ThreadLocalRandom.current().nextDouble());
        this.requestHead = ("{\"api_key\":" + jsonString(settings.apiKey()) + ",\"events\":[")
                .getBytes(StandardCharsets.UTF_8);
        this.requestTail = ("],\"options\":{\"min_id_length\":" + settings.minIdLength() + "}}")
                .getBytes(StandardCharsets.UTF_8);
        this.eventBytesPerRequest = settings.maxRequestBytes() - requestHead.length - requestTail.length;
        this.freeSenders = settings.maxConcurrentRequests();
        this.laneMemoryEvents = settings.laneMemoryEvents();
        AtomicInteger n = new AtomicInteger();
        this.senders = Executors.newFixedThreadPool(settings.maxConcurrentRequests(), r -> {
            Thread t = new Thread(r, "ampfill-sender-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.dispatcher = new Thread(this::dispatchLoop, "ampfill-dispatcher");
        this.dispatcher.setDaemon(true);
        this.dispatcher.start();
    }

    /**
     * Hands events, in source order, to their lanes. Blocks while the in-flight window
     * (backfill.max-in-flight-events, backfill.max-in-flight-bytes) is full, so input is read no faster than it
     * is delivered; the window is checked per event, so part of a chunk may go in before the rest waits. An event
     * larger than the window goes in alone when nothing else is in flight. A lane that already holds its share of
     * memory ({@link DeliverySettings#laneMemoryEvents()}) keeps its later events on disk ({@link LaneSpill}),
     * outside the window: a device that sends slowly does not stop the reading for the others.
     */
    public void enqueue(List<OutboundEvent> events) throws InterruptedException {
        if (events.isEmpty()) {
            return;
        }
        int spilledHere = 0;
        lock.lockInterruptibly();
        try {
            // the loop's body is a method of its own, so that the JIT compiles that, small, once it has run often
            // enough, rather than all of enqueue() "on stack" in the middle of its first chunks (as for the other
            // per-event and per-lane loops below)
            boolean added = false;
            for (OutboundEvent event : events) {
                if (enqueueOne(event, added)) {
                    added = true;
                } else {
                    spilledHere++;
                }
            }
            if (added) {
                dispatch.signal();
            }
        } finally {
            lock.unlock();
        }
        if (spilledHere > 0) {
            listener.waitedOnDisk(spilledHere);
        }
    }

    /**
     * One event of enqueue(), under the lock: into its lane (returns true), or to disk (false), waiting while the
     * window is full. {@code added}: whether events of this chunk went in before this one, not yet signalled.
     */
    private boolean enqueueOne(OutboundEvent event, boolean added) throws InterruptedException {
        while (true) {
            if (stopped) {
                throw new IllegalStateException(stoppedBecause != null ? stoppedBecause : "delivery has stopped");
            }
            Lane lane = lanes.get(event.laneKey());
            if (lane == null) {
                lane = new Lane(event.laneKey(), settings.deviceEps() > 0 ? settings.deviceEps() : learnedEps, clock.nanoTime(),
                        bucketsEmptyAt);
                lanes.put(lane.key, lane);
            }
            // a lane that already holds its share waits on disk: the window stays open for the others
            if (lane.spill != null || (lane.queue.size() >= laneMemoryEvents && canSpill())) {
                spill(lane, event);
                return false;
            }
            long bytes = event.json().length;
            if (windowFull(bytes)) {
                if (added) {
                    dispatch.signal(); // what this chunk already added goes out meanwhile
                    added = false;
                }
                space.await();
                continue; // the lane may have gone meanwhile: look it up again
            }
            lane.queue.addLast(event);
            unsettled++;
            unsettledBytes += bytes;
            // the clock is read only where it is needed: most events join a lane that is already going
            if (lane.state == LaneState.IDLE) {
                schedule(lane, clock.nanoTime());
            } else if (lane.state == LaneState.READY && lane.queue.size() <= lane.batchCap) {
                readyEvents++;
            }
            return true;
        }
    }

    /** Deletes the spill files a run that did not stop cleanly left in {@code dir}. */
    public static void deleteSpillLeftovers(Path dir) throws IOException {
        LaneSpill.deleteLeftovers(dir);
    }

    /** Whether one more event of this size would overfill the in-flight window; an event goes in alone when it is empty. */
    private boolean windowFull(long bytes) {
        return unsettled > 0 && (unsettled + 1 > settings.maxInFlightEvents() || unsettledBytes + bytes > settings.maxInFlightBytes());
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
            throw stopDelivery("cannot keep the waiting events of device " + lane.key + " on disk in "
                    + settings.spillDir() + ": " + e);
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
                long bytes = spill.peek(lane.key).json().length;
                if (windowFull(bytes)) {
                    break;
                }
                lane.queue.addLast(spill.take(lane.key));
                spilledEvents--;
                unsettled++;
                unsettledBytes += bytes;
            }
        } catch (UncheckedIOException e) {
            stopDelivery(e.getMessage() + ": " + e.getCause());
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
            lane.state = LaneState.IDLE;
            schedule(lane, now); // refills it, or starves it again
        }
    }

    /** Stops delivery for a reason of its own; what was not acknowledged stays unsettled for the next run. */
    private IllegalStateException stopDelivery(String reason) {
        if (stoppedBecause == null) {
            stoppedBecause = reason;
        }
        stopped = true;
        dispatch.signalAll();
        space.signalAll();
        return new IllegalStateException(reason);
    }

    /** Has the dispatcher look at the clock again: for a test's clock, which moves without the lanes knowing. */
    void wakeDispatcher() {
        lock.lock();
        try {
            dispatch.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until every event handed over is settled, at most {@code timeout}; true if all are. */
    public boolean awaitAllSettled(Duration timeout) throws InterruptedException {
        long left = timeout.toNanos();
        lock.lock();
        try {
            while (unsettled > 0 || spilledEvents > 0) {
                if (left <= 0) {
                    return false;
                }
                left = space.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            stopped = true;
            dispatch.signalAll();
            space.signalAll();
            for (Lane lane : lanes.values()) {
                if (lane.spill != null) {
                    lane.spill.close(); // its events stay unsettled: the next run reads them again
                    lane.spill = null;
                }
            }
        } finally {
            lock.unlock();
        }
        dispatcher.interrupt();
        senders.shutdownNow();
        try {
            senders.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- scheduling (all under lock) ----

    private void schedule(Lane lane, long now) {
        if (lane.spill != null && lane.queue.size() < laneMemoryEvents / 2 + 1) {
            refill(lane);
        }
        if (lane.queue.isEmpty()) {
            if (lane.spill != null) {
                lane.state = LaneState.STARVED; // fed when the window has room again (feedStarved)
                starved.addLast(lane);
                return;
            }
            lane.state = LaneState.IDLE;
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
        long due = Math.max(lane.notBefore, lane.tokensDueAt(now, wantedBatch(lane)));
        if (due <= now) {
            lane.state = LaneState.READY;
            ready.addLast(lane);
            readyEvents += Math.min(lane.queue.size(), lane.batchCap);
        } else {
            lane.state = LaneState.WAITING;
            lane.wakeAt = due;
            waiting.add(lane);
        }
    }

    /** A paced lane waits until it can send a full second's worth (or all it has), so requests stay large. */
    private int wantedBatch(Lane lane) {
        return Math.min(Math.min(lane.queue.size(), lane.batchCap), Math.min(settings.maxEventsPerRequest(), lane.capacity()));
    }

    private void dispatchLoop() {
        lock.lock();
        try {
            while (!stopped) {
                long now = clock.nanoTime();
                while (!waiting.isEmpty() && waiting.peek().wakeAt <= now) {
                    schedule(waiting.poll(), now);
                }
                forgetIdleLanes(now);
                if (quotaNotices.dueAt() <= now) {
                    List<String> lines = quotaNotices.takeDue(now);
                    lock.unlock(); // a line is printed without holding up the senders
                    try {
                        lines.forEach(listener::notice);
                    } finally {
                        lock.lock();
                    }
                    continue;
                }
                if (freeSenders == 0 || ready.isEmpty()) {
                    long wakeAt = quotaNotices.dueAt();
                    if (freeSenders > 0 && !waiting.isEmpty()) {
                        wakeAt = Math.min(wakeAt, waiting.peek().wakeAt);
                    }
                    if (wakeAt == Long.MAX_VALUE) {
                        dispatch.await();
                    } else {
                        dispatch.awaitNanos(wakeAt - now);
                    }
                    continue;
                }
                // A request that would go out part-full waits a little while another is on the wire: the reader
                // soon tops it up, and fewer, fuller requests cost less on both sides. Never when nothing is on
                // the wire, and never longer than the linger, so a slow request holds up no one for long.
                if (freeSenders < settings.maxConcurrentRequests() && !readyFillsARequest()) {
                    if (lingeringSince == 0) {
                        lingeringSince = now;
                    }
                    long lingerLeft = lingeringSince + LINGER_NANOS - now;
                    if (lingerLeft > 0) {
                        dispatch.awaitNanos(waiting.isEmpty() ? lingerLeft : Math.min(lingerLeft, waiting.peek().wakeAt - now));
                        continue;
                    }
                }
                lingeringSince = 0;
                Request request = fillRequest(now);
                if (request.size() > 0) {
                    freeSenders--;
                    senders.execute(() -> send(request));
                }
            }
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
        String reason = stoppedBecause;
        if (reason != null) {
            listener.fatal(reason); // the run stops; nothing unacknowledged is committed
        }
    }

    /**
     * Whether the ready lanes hold a full request's worth of events: by count, or by bytes at the in-flight events'
     * average size (an estimate is enough here, and it costs no walk over the events themselves).
     */
    private boolean readyFillsARequest() {
        if (readyEvents >= settings.maxEventsPerRequest()) {
            return true;
        }
        long averageBytes = unsettled == 0 ? 0 : unsettledBytes / unsettled;
        return readyEvents * (averageBytes + 1) >= eventBytesPerRequest;
    }

    /** Moves up to {@code allowed} events from the head of the lane into the request, within its byte budget. */
    private static int take(Lane lane, int allowed, Request request, long budget) {
        int taken = 0;
        while (taken < allowed) {
            OutboundEvent next = lane.queue.peekFirst();
            long size = next.json().length + 1L;
            if (request.bytes + size > budget && request.size() > 0) {
                break;
            }
            request.events.add(lane.queue.pollFirst());
            request.bytes += size;
            taken++;
        }
        return taken;
    }

    private Request fillRequest(long now) {
        Request request = new Request();
        long budget = eventBytesPerRequest;
        while (!ready.isEmpty() && request.size() < settings.maxEventsPerRequest()) {
            Lane lane = ready.peekFirst();
            int counted = Math.min(lane.queue.size(), lane.batchCap); // its share of readyEvents
            if (lane.queue.size() > SMALL_QUEUE) {
                lane.queueGrown = true; // a queue shrinks only here, so its size now is its largest since the last batch
            }
            int room = settings.maxEventsPerRequest() - request.size();
            int allowed = lane.takeTokens(now, Math.min(Math.min(lane.queue.size(), room), lane.batchCap));
            if (allowed < 1) {
                ready.pollFirst();
                readyEvents -= counted;
                schedule(lane, now);
                continue;
            }
            lane.batchFrom = request.size();
            int taken = take(lane, allowed, request, budget);
            if (taken == 0) {
                lane.refund(allowed);
                break; // the request is full by bytes; the lane stays first in line for the next one
            }
            lane.refund(allowed - taken);
            ready.pollFirst();
            readyEvents -= counted;
            lane.state = LaneState.IN_FLIGHT;
            lane.batchTo = request.size();
            request.lanes.add(lane);
            if (taken < allowed) {
                break;
            }
        }
        return request;
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
            boolean idle = lane.state == LaneState.IDLE;
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

    /** Requests on the wire now, for tests: a test's clock moves on only once every answer has been settled. */
    int requestsInFlight() {
        lock.lock();
        try {
            return settings.maxConcurrentRequests() - freeSenders;
        } finally {
            lock.unlock();
        }
    }

    /** The device lanes held now, for tests: what per-device memory amounts to. */
    int laneCount() {
        lock.lock();
        try {
            return lanes.size();
        } finally {
            lock.unlock();
        }
    }

    // ---- sending (on a sender thread, without the lock) ----

    private void send(Request request) {
        List<OutboundEvent> all = request.events;
        // parts are [from, to) ranges of the request; a 413 splits a range in two, first half first
        ArrayDeque<int[]> parts = new ArrayDeque<>();
        parts.push(new int[]{0, all.size()});
        BitSet done = new BitSet(all.size());
        BatchAnswer last = new BatchAnswer.Acknowledged();
        int[] failed = {0, 0};
        while (!parts.isEmpty()) {
            int[] range = parts.pop();
            List<OutboundEvent> part = all.subList(range[0], range[1]);
            BatchAnswer answer = post(part);
            if (answer instanceof BatchAnswer.Acknowledged) {
                listener.delivered(part.size());
                settleAll(part);
                done.set(range[0], range[1]);
                continue;
            }
            if (answer instanceof BatchAnswer.Split) {
                listener.retry(answer.cause());
                if (part.size() == 1) {
                    deadLetter(part.get(0), "Amplitude refused the event as too large (413 Payload too large)");
                    done.set(range[0]);
                } else {
                    int half = range[0] + part.size() / 2;
                    parts.push(new int[]{half, range[1]});
                    parts.push(new int[]{range[0], half});
                }
                continue;
            }
            if (answer instanceof BatchAnswer.RejectListed rejected) {
                rejected.reasons().forEach((index, reason) -> {
                    deadLetter(part.get(index), reason);
                    done.set(range[0] + index);
                });
            }
            last = answer;
            failed = range;
            break;
        }
        settleRequest(request, done, last, failed);
    }

    private static void settleAll(List<OutboundEvent> events) {
        for (OutboundEvent e : events) {
            e.settle();
        }
    }

    private BatchAnswer post(List<OutboundEvent> part) {
        listener.requestSent(part.size());
        HttpAnswer answer;
        try {
            answer = poster.post(body(part));
        } catch (Exception noAnswer) {
            for (Throwable t = noAnswer; t != null; t = t.getCause()) {
                if (t instanceof OutOfMemoryError heapFull) {
                    throw heapFull; // Camel's wrapping of it is no answer to resend: the process's handler ends the run
                }
            }
            BatchAnswer failed = AnswerClassifier.classify(noAnswer);
            if (failed instanceof BatchAnswer.Resend) {
                endpoint.unanswered(failed.cause(), clock.nanoTime());
            }
            return failed;
        }
        BatchAnswer classified = AnswerClassifier.classify(answer, new AbstractList<>() {
            @Override
            public String get(int index) {
                return part.get(index).deviceId();
            }

            @Override
            public int size() {
                return part.size();
            }
        });
        return endpoint.answered(classified, clock.nanoTime());
    }

    private byte[] body(List<OutboundEvent> part) {
        int size = requestHead.length + requestTail.length + Math.max(part.size() - 1, 0);
        for (OutboundEvent e : part) {
            size += e.json().length;
        }
        byte[] body = new byte[size];
        System.arraycopy(requestHead, 0, body, 0, requestHead.length);
        int at = requestHead.length;
        for (int i = 0; i < part.size(); i++) {
            if (i > 0) {
                body[at++] = ',';
            }
            byte[] json = part.get(i).json();
            System.arraycopy(json, 0, body, at, json.length);
            at += json.length;
        }
        System.arraycopy(requestTail, 0, body, at, requestTail.length);
        return body;
    }

    private void deadLetter(OutboundEvent event, String reason) {
        listener.deadLetter(event, reason);
        event.settle();
    }

    /**
     * Back on the lanes: acknowledged and dead-lettered events leave, the others return to the head of
     * their lane in their order, and the answer decides when each lane may go again.
     */
    private void settleRequest(Request request, BitSet done, BatchAnswer answer, int[] failedPart) {
        if (answer instanceof BatchAnswer.Fatal fatal) {
            listener.fatal(fatal.message());
        } else if (!(answer instanceof BatchAnswer.Acknowledged)) {
            listener.retry(answer.cause());
        }
        List<OutboundEvent> gaveUp = new ArrayList<>();
        String notice;
        lock.lock();
        try {
            long now = clock.nanoTime();
            if (answer instanceof BatchAnswer.Fatal) {
                stopped = true;
            }
            // most answers acknowledge the whole request: then no event need be looked at again under the lock
            boolean allDone = done.nextClearBit(0) >= request.size();
            if (allDone) {
                unsettled -= request.size();
                unsettledBytes -= request.bytes - request.size(); // request.bytes counts a comma per event
            }
            for (Lane lane : request.lanes) {
                if (allDone) {
                    laneSucceeded(lane, now);
                    if (lane.state == LaneState.IN_FLIGHT) {
                        schedule(lane, now);
                    }
                    continue;
                }
                settleLane(request, lane, done, answer, failedPart, now, gaveUp);
                if (lane.state == LaneState.IN_FLIGHT) {
                    schedule(lane, now);
                }
            }
            if (!starved.isEmpty()) {
                feedStarved(now);
            }
            freeSenders++;
            dispatch.signal();
            space.signalAll();
            notice = learnedEpsNotice;
            learnedEpsNotice = null;
        } finally {
            lock.unlock();
        }
        if (notice != null) {
            listener.notice(notice);
        }
        Duration limit = settings.giveUpAfter();
        for (OutboundEvent e : gaveUp) {
            deadLetter(e, "gave up after " + readable(limit) + " of failed attempts, last answer " + answer.cause());
        }
    }

    /**
     * One lane of an answer that did not acknowledge the whole request, under the lock: its done events settle, its
     * others return to its head or, given up on, into {@code gaveUp}. A method of its own, as the loops of enqueue().
     */
    private void settleLane(Request request, Lane lane, BitSet done, BatchAnswer answer, int[] failedPart, long now,
                              List<OutboundEvent> gaveUp) {
        int settledHere = 0;
        long settledBytes = 0;
        // made only for a lane with unsent events: most answers acknowledge every event of a request
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
                if (position >= failedPart[0] && position < failedPart[1]) {
                    unsentIndexInFailedPart.add(position - failedPart[0]);
                }
            }
        }
        if (unsent.isEmpty()) {
            laneSucceeded(lane, now);
        } else if (stopped) {
            // nothing goes out any more; the events stay unsettled so their source does not commit
            returnToHead(lane, unsent);
        } else {
            long delay = laneDelay(lane, unsent, answer, unsentIndexInFailedPart, now);
            if (delay < 0) {
                gaveUp.addAll(unsent);
                settledHere += unsent.size();
                for (OutboundEvent e : unsent) {
                    settledBytes += e.json().length;
                }
                laneSucceeded(lane, now);
            } else {
                returnToHead(lane, unsent);
                lane.notBefore = now + delay;
            }
        }
        unsettled -= settledHere;
        unsettledBytes -= settledBytes;
    }

    private static void returnToHead(Lane lane, List<OutboundEvent> unsent) {
        for (int i = unsent.size() - 1; i >= 0; i--) {
            lane.queue.addFirst(unsent.get(i));
        }
    }

    /** How long a lane with unsent events waits (nanos), or -1 when it has tried longer than amplitude.retry.give-up-after. */
    private long laneDelay(Lane lane, List<OutboundEvent> unsent, BatchAnswer answer,
                           List<Integer> indexesInFailedPart, long now) {
        if (answer instanceof BatchAnswer.RejectListed) {
            return 0; // the valid events go straight back out
        }
        boolean throttled = true;
        Duration retryAfter = null;
        if (answer instanceof BatchAnswer.TooManyRequests tooMany) {
            String overQuota = namedAs(lane, unsent, tooMany.quotaDevices(), tooMany.quotaUsers());
            if (overQuota != null) {
                // a batch larger than what the quota has left would be refused forever: try a smaller one
                lane.batchCap = Math.max(1, unsent.size() / 2);
                if (lane.pausedAs == null) { // told once per pause, not again each time its quota still refuses it
                    lane.pausedAs = overQuota;
                    lane.pausedAt = now;
                    quotaNotices.paused(overQuota, clock.epochMillis() + settings.quotaPause().toMillis(),
                            settings.quotaPause().toNanos(), now);
                }
                return settings.quotaPause().toNanos(); // quota pauses never give up: the promise is never to drop
            }
            throttled = tooMany.namesNobody()
                    || namedAs(lane, unsent, tooMany.throttledDevices(), tooMany.throttledUsers()) != null
                    || indexesInFailedPart.stream().anyMatch(tooMany.throttledEvents()::contains);
            if (!throttled) {
                return 0; // refused only because another device in the same request was over its rate
            }
            if (lane.paced()) {
                lane.slowDown();
            } else {
                learnPacing(lane, tooMany.epsThreshold(), now);
            }
            retryAfter = tooMany.retryAfter();
        } else if (answer instanceof BatchAnswer.Resend resend) {
            retryAfter = resend.retryAfter();
        }
        if (lane.firstFailure == 0) {
            lane.firstFailure = now;
        }
        Duration limit = settings.giveUpAfter();
        if (limit != null && now - lane.firstFailure >= limit.toNanos()) {
            return -1;
        }
        lane.attempt++;
        Duration wait = retryAfter != null ? retryAfter : backoff.delay(lane.attempt);
        return wait.toNanos();
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
        lane.startPacing(learnedEps, now);
    }

    /** Its events were acknowledged (or settled): it speeds up again and, if it was paused for its quota, a line says it sends again. */
    private void laneSucceeded(Lane lane, long now) {
        lane.succeeded(now);
        if (lane.pausedAs != null) {
            quotaNotices.resumed(lane.pausedAs, now - lane.pausedAt, now);
            lane.pausedAs = null;
        }
    }

    /** "device ID" or "user ID" when the 429 names the lane's device, or a user of its events, among these; else null. */
    private static String namedAs(Lane lane, List<OutboundEvent> unsent, Set<String> devices, Set<String> users) {
        if (devices.contains(lane.key)) {
            return "device " + lane.key;
        }
        if (!users.isEmpty()) {
            for (OutboundEvent e : unsent) {
                if (e.userId() != null && users.contains(e.userId())) {
                    return "user " + e.userId();
                }
            }
        }
        return null;
    }

    /** 300ms, 5s, 15m, 1h: the way the setting was written. */
    static String readable(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0 && ms > 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        return ms % 1000 == 0 && ms > 0 ? ms / 1000 + "s" : ms + "ms";
    }

    private static String jsonString(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    // ---- state ----

    private enum LaneState { IDLE, READY, WAITING, IN_FLIGHT, STARVED }

    /** One device's queue, pacing and retry state; guarded by the lanes' lock. */
    private static final class Lane {
        final String key;
        ArrayDeque<OutboundEvent> queue = new ArrayDeque<>();
        /** Its queue has held more than {@link #SMALL_QUEUE} events since it was made, so its array has grown. */
        boolean queueGrown;
        /** It is in {@link #idleLanes}, since this time. */
        boolean listedIdle;
        long idleSince;
        /** While it is paused for a daily quota: who Amplitude said is over it ("device ID", "user ID"), and since when. */
        String pausedAs;
        long pausedAt;
        /** Its events beyond {@code laneMemoryEvents}, on disk; new events go there too until it is empty. */
        LaneSpill spill;
        /** Where its batch in flight is in its request's events: [batchFrom, batchTo). */
        int batchFrom;
        int batchTo;
        /** amplitude.device-eps, or the rate learned from a 429 while pacing is off; 0: not paced. */
        double configuredEps;
        LaneState state = LaneState.IDLE;
        long wakeAt;
        long notBefore;
        int attempt;
        long firstFailure;
        // most events per batch; shrinks while a daily quota refuses the lane, grows back on success
        int batchCap = Integer.MAX_VALUE;
        // token bucket: capacity eps * 1 s; eps adapts (AIMD) after 429s
        double eps;
        double tokens;
        long refilledAt;
        // The bucket counts a batch from when it was sent, but Amplitude counts it when the request reaches it,
        // which may be as late as its answer: a request slow to arrive (a cold server, a slow network) and the
        // next one quick would reach it closer than a second apart, and be answered 429. So after an answer the
        // tokens are also at most those left at the send plus what Amplitude's own rate (eps, without the
        // margin) gives back since the answer. With a quick answer this bound is never the lower one.
        double tokensAfterSend;
        long answeredAt;

        /** A lane whose bucket was empty at {@code emptyAt}, an instant of the past, and has filled since. */
        Lane(String key, double eps, long now, long emptyAt) {
            this.key = key;
            this.configuredEps = eps;
            this.eps = eps;
            this.refilledAt = Math.min(emptyAt, now);
            refill(now);
        }

        boolean paced() {
            return configuredEps > 0;
        }

        /** Paced from now on, with its bucket empty: Amplitude's, which has just refused it, is spent. */
        void startPacing(double rate, long now) {
            configuredEps = rate;
            eps = rate;
            tokens = 0;
            tokensAfterSend = 0;
            refilledAt = now;
            answeredAt = now;
        }

        /** Nothing a new lane for the device would not have too: no wait, no failure, no rate or batch lowered by a 429. */
        boolean remembersNothing() {
            return queue.isEmpty() && spill == null && attempt == 0 && batchCap == Integer.MAX_VALUE && eps == configuredEps
                    && pausedAs == null;
        }

        /**
         * Whether an idle lane may go: a paced one once it could send a second's worth, by its bucket and by what Amplitude
         * has given back since its last answer, so a new lane (with a full bucket) is the same; an unpaced one after a second.
         */
        boolean mayGo(long now) {
            return paced() ? tokensDueAt(now, capacity()) <= now : now - idleSince >= UNPACED_IDLE_NANOS;
        }

        int capacity() {
            return paced() ? Math.max(1, (int) (eps * DeliverySettings.RATE_MARGIN)) : Integer.MAX_VALUE;
        }

        void refill(long now) {
            if (!paced()) {
                return;
            }
            tokens = Math.min(capacity(), tokens + (now - refilledAt) * eps * DeliverySettings.RATE_MARGIN / 1e9);
            refilledAt = now;
        }

        /** The tokens it may spend now: the bucket's, and no more than Amplitude has surely given back since the last answer. */
        private double available(long now) {
            refill(now);
            return answeredAt == 0 ? tokens : Math.min(tokens, tokensAfterSend + (now - answeredAt) * eps / 1e9);
        }

        /** When the bucket will hold enough for the wanted batch (now if it already does, or if it is full). */
        long tokensDueAt(long now, int wanted) {
            if (!paced()) {
                return now;
            }
            double target = Math.min(wanted, capacity());
            if (available(now) >= target) {
                return now;
            }
            long due = tokens >= target ? now : now + (long) Math.ceil((target - tokens) / (eps * DeliverySettings.RATE_MARGIN) * 1e9);
            if (answeredAt != 0 && tokensAfterSend < target) {
                due = Math.max(due, answeredAt + (long) Math.ceil((target - tokensAfterSend) / eps * 1e9));
            }
            return due;
        }

        int takeTokens(long now, int max) {
            if (!paced()) {
                return max;
            }
            double available = available(now);
            int taken = (int) Math.min(max, Math.floor(available));
            tokens = available - taken;
            tokensAfterSend = tokens;
            answeredAt = 0; // until this batch's answer, the bucket alone bounds
            return taken;
        }

        void refund(int n) {
            if (paced()) {
                tokens = Math.min(capacity(), tokens + n);
                tokensAfterSend = tokens;
            }
        }

        /** Its batch was answered now: from here on, Amplitude's rate bounds the tokens too. */
        void answered(long now) {
            if (paced()) {
                refill(now);
                answeredAt = now;
            }
        }

        /** Multiplicative decrease after a 429 for this device. */
        void slowDown() {
            if (paced()) {
                eps = Math.max(configuredEps / 10, eps / 2);
                tokens = Math.min(tokens, capacity());
            }
        }

        /** Answered with its events taken; additive increase back towards the configured rate. */
        void succeeded(long now) {
            answered(now);
            attempt = 0;
            firstFailure = 0;
            batchCap = batchCap > Integer.MAX_VALUE / 2 ? Integer.MAX_VALUE : batchCap * 2;
            if (paced() && eps < configuredEps) {
                eps = Math.min(configuredEps, eps + configuredEps / 10);
            }
        }
    }

    /**
     * The batches of several lanes that go out in one POST, in the order they were taken: their events side by side,
     * as they go into the body. Each lane has one batch in flight, so it keeps where its batch is in the request.
     */
    private static final class Request {
        final List<OutboundEvent> events = new ArrayList<>();
        final List<Lane> lanes = new ArrayList<>();
        long bytes;

        int size() {
            return events.size();
        }
    }
}

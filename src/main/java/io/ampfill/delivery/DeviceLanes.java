package io.ampfill.delivery;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.DoubleSupplier;

/**
 * Delivery as it runs: the {@link LaneScheduler} under a lock, a dispatcher that takes its requests when they are due
 * and hands them to the senders, which post them ({@link BatchSender}) and bring the answers back. The threads come
 * from the owner (the {@code amplitude} component takes them from Camel's executor service manager, so that Camel's
 * shutdown and JMX see them), and so does the clock.
 *
 * <p>Events are settled (their origin told) only after the lanes have taken in the answer, outside the lock: an origin
 * that completes then (a file moved to done, an exchange that goes on) sees delivery's books already closed on them.
 */
public final class DeviceLanes implements AutoCloseable {
    private final DeliverySettings settings;
    private final DeliveryListener listener;
    private final DeliveryClock clock;
    private final LaneScheduler scheduler;
    private final BatchSender sender;
    private final ExecutorService senders;
    private final ExecutorService dispatcher;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition dispatch = lock.newCondition();
    private final Condition space = lock.newCondition();

    /**
     * @param bucketsEmptyAt when delivery began ({@code clock.nanoTime()}): each device's bucket is taken to be empty
     *                       then and to fill at the device's rate from there. A run just before, for the same devices,
     *                       may have spent their buckets at Amplitude right up to its end; with full buckets at the
     *                       start, a run begun right after another sent each device a second's worth at once and
     *                       was answered 429 (3,000 events of one device, twice in a row, against the emulator at
     *                       300/s: one 429, and 12.1 s instead of 9.7). The cost: a device's first second of
     *                       sending starts when delivery does, not when its first event is read.
     * @param senders        runs the requests: at least {@link DeliverySettings#mostConcurrentRequests()} threads
     * @param dispatcher     runs the dispatcher, one long task
     */
    public DeviceLanes(DeliverySettings settings, BatchPoster poster, DeliveryListener listener, DeliveryClock clock,
                       long bucketsEmptyAt, ExecutorService senders, ExecutorService dispatcher) {
        this(settings, poster, listener, clock, bucketsEmptyAt, senders, dispatcher, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** @param jitter the backoff's random draw, in [0, 1): a test's own makes the waits it checks exact */
    DeviceLanes(DeliverySettings settings, BatchPoster poster, DeliveryListener listener, DeliveryClock clock,
                long bucketsEmptyAt, ExecutorService senders, ExecutorService dispatcher, DoubleSupplier jitter) {
        this.settings = settings;
        this.listener = listener;
        this.clock = clock;
        this.senders = senders;
        this.dispatcher = dispatcher;
        Backoff backoff = new Backoff(settings.retryBase(), settings.retryMaxBackoff(), jitter);
        this.scheduler = new LaneScheduler(settings, clock, backoff, bucketsEmptyAt, () -> {
            dispatch.signalAll();
            space.signalAll();
        });
        this.sender = new BatchSender(poster, scheduler.packer(), scheduler.concurrency(), new EndpointWatch(listener::notice), listener, clock);
    }

    /** Starts the dispatcher. */
    public DeviceLanes start() {
        dispatcher.execute(this::dispatchLoop);
        return this;
    }

    /**
     * Hands events, in source order, to their lanes. Blocks while the in-flight window
     * (backfill.max-in-flight-events, backfill.max-in-flight-bytes) is full, so input is read no faster than it
     * is delivered; the window is checked per event, so part of a chunk may go in before the rest waits. A lane that
     * already holds its share of memory ({@link DeliverySettings#laneMemoryEvents()}) keeps its later events on disk
     * ({@link LaneSpill}), outside the window: a device that sends slowly does not stop the reading for the others.
     *
     * @throws IllegalStateException delivery has stopped
     */
    public void enqueue(List<OutboundEvent> events) throws InterruptedException {
        if (events.isEmpty()) {
            return;
        }
        int spilled = 0;
        lock.lockInterruptibly();
        try {
            boolean added = false;
            // the loop's body is a method of its own, so that the JIT compiles that, small, once it has run often
            // enough, rather than all of enqueue() "on stack" in the middle of its first chunks
            for (OutboundEvent event : events) {
                LaneScheduler.Offer offer = offer(event, added);
                if (offer == LaneScheduler.Offer.SPILLED) {
                    spilled++;
                } else {
                    added = true;
                }
            }
            if (added) {
                dispatch.signal();
            }
        } finally {
            lock.unlock();
        }
        if (spilled > 0) {
            listener.waitedOnDisk(spilled);
        }
    }

    /** One event of enqueue(), under the lock: in its lane or on disk, waiting while the window is full. */
    private LaneScheduler.Offer offer(OutboundEvent event, boolean added) throws InterruptedException {
        while (true) {
            LaneScheduler.Offer offer = scheduler.offer(event);
            if (offer != LaneScheduler.Offer.WINDOW_FULL) {
                return offer;
            }
            if (added) {
                dispatch.signal(); // what this chunk already added goes out meanwhile
                added = false;
            }
            space.await();
        }
    }

    /** Deletes the spill files a run that did not stop cleanly left in {@code dir}. */
    public static void deleteSpillLeftovers(Path dir) throws IOException {
        LaneSpill.deleteLeftovers(dir);
    }

    private void dispatchLoop() {
        lock.lock();
        try {
            while (!scheduler.stopped()) {
                long now = clock.nanoTime();
                long wakeAt = dispatchDue(now);
                if (wakeAt == Long.MAX_VALUE) {
                    dispatch.await();
                } else if (wakeAt > now) {
                    dispatch.awaitNanos(wakeAt - now);
                }
            }
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
        String reason = scheduler.stoppedBecause();
        if (reason != null) {
            listener.fatal(reason); // the run stops; nothing unacknowledged is committed
        }
    }

    /**
     * Under the lock: tells the lines due at {@code now} and hands the senders every request due then. Returns when
     * something is next due (Long.MAX_VALUE: nothing until an event comes in or an answer is settled).
     */
    private long dispatchDue(long now) {
        while (!scheduler.stopped()) {
            List<String> lines = scheduler.dueNotices(now);
            if (!lines.isEmpty()) {
                lock.unlock(); // a line is printed without holding up the senders
                try {
                    lines.forEach(listener::notice);
                } finally {
                    lock.lock();
                }
                continue;
            }
            Request request = scheduler.nextRequest(now);
            if (request == null) {
                return scheduler.wakeAt(now);
            }
            senders.execute(() -> send(request));
        }
        return Long.MAX_VALUE;
    }

    /**
     * Does, without a dispatcher thread, what is due at the clock's time now; returns when something is next due. For
     * tests on a clock of their own, with senders that run in the caller's thread: they move the clock on to that time.
     */
    long runDue() {
        lock.lock();
        try {
            return dispatchDue(clock.nanoTime());
        } finally {
            lock.unlock();
        }
    }

    /** On a sender thread: posts the request, then brings the answer back to the lanes, then settles its events. */
    private void send(Request request) {
        RequestOutcome outcome = sender.send(request);
        BatchAnswer answer = outcome.last;
        if (answer instanceof BatchAnswer.Fatal fatal) {
            listener.fatal(fatal.message());
        } else if (!(answer instanceof BatchAnswer.Acknowledged)) {
            listener.retry(answer.cause());
        }
        List<OutboundEvent> gaveUp;
        String notice;
        lock.lock();
        try {
            gaveUp = scheduler.answered(request, outcome, clock.nanoTime());
            notice = scheduler.takeLearnedPacingNotice();
            dispatch.signal();
            space.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            if (notice != null) {
                listener.notice(notice);
            }
            settle(request, outcome);
            if (!gaveUp.isEmpty()) {
                String reason = "gave up after " + readable(settings.giveUpAfter()) + " of failed attempts, last answer " + answer.cause();
                for (OutboundEvent e : gaveUp) {
                    deadLetter(e, reason);
                }
            }
        } finally {
            lock.lock();
            try {
                scheduler.requestDone();
                dispatch.signal();
            } finally {
                lock.unlock();
            }
        }
    }

    /** The request's done events: the refused ones are dead-lettered first, then every done event is settled. */
    private void settle(Request request, RequestOutcome outcome) {
        List<OutboundEvent> events = request.events;
        if (outcome.refused.isEmpty() && outcome.allDone(events.size())) {
            for (OutboundEvent e : events) {
                e.settle();
            }
            return;
        }
        outcome.refused.forEach((position, reason) -> listener.deadLetter(events.get(position), reason));
        for (int i = outcome.done.nextSetBit(0); i >= 0; i = outcome.done.nextSetBit(i + 1)) {
            events.get(i).settle();
        }
    }

    private void deadLetter(OutboundEvent event, String reason) {
        listener.deadLetter(event, reason);
        event.settle();
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

    /**
     * Takes an origin's events out of the lanes (see {@link LaneScheduler#withdraw}): none of them is sent from now on,
     * save those already on the wire, and none is settled but by the answer of a request already sent. Returns how many
     * were dropped so far.
     */
    public long withdraw(EventOrigin origin) {
        lock.lock();
        try {
            long dropped = scheduler.withdraw(origin, clock.nanoTime());
            dispatch.signal();
            space.signalAll();
            return dropped;
        } finally {
            lock.unlock();
        }
    }

    /**
     * How many events of a withdrawn origin were dropped so far: once its unsettled events are as many, none of them is
     * on the wire any more.
     */
    public long droppedOf(EventOrigin origin) {
        lock.lock();
        try {
            return scheduler.droppedOf(origin);
        } finally {
            lock.unlock();
        }
    }

    /** Waits until every event handed over is settled, at most {@code timeout}; true if all are. */
    public boolean awaitAllSettled(Duration timeout) throws InterruptedException {
        long left = timeout.toNanos();
        lock.lock();
        try {
            while (!scheduler.allSettled()) {
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

    /**
     * Stops sending: the dispatcher ends, spilled events are dropped from disk, and events not yet acknowledged stay
     * unsettled (their source reads them again next run). The owner then shuts down the threads it handed in.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            scheduler.close();
            dispatch.signalAll();
            space.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Requests on the wire now, for tests: a test's clock moves on only once every answer has been settled. */
    int requestsInFlight() {
        lock.lock();
        try {
            return scheduler.requestsInFlight();
        } finally {
            lock.unlock();
        }
    }

    /** What the lanes hold now: events not yet settled, paused devices, the slowest device (for progress and metrics). */
    public LaneGauges gauges() {
        lock.lock();
        try {
            return scheduler.gauges(clock.nanoTime());
        } finally {
            lock.unlock();
        }
    }

    /** The device lanes held now, for tests: what per-device memory amounts to. */
    int laneCount() {
        lock.lock();
        try {
            return scheduler.laneCount();
        } finally {
            lock.unlock();
        }
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
}

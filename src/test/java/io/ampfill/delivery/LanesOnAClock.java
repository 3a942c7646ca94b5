package io.ampfill.delivery;

import io.ampfill.emulator.AmplitudeEmulator;
import io.ampfill.emulator.EmulatorSettings;
import io.ampfill.ledger.AckLedger;
import io.ampfill.ledger.SourceUnit;

import java.time.Duration;
import java.util.concurrent.AbstractExecutorService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Delivery driven step by step on a {@link TestClock}, without a thread, a socket or a sleep: the lanes' senders run in
 * the test's thread, and their requests are answered at once by an emulator in this process that counts time on the same
 * clock. A step does what is due now; the clock then jumps to when the next thing is due. So a test of pacing, backoff,
 * a quota pause or Retry-After takes milliseconds, whatever the time it covers.
 */
final class LanesOnAClock extends RecordingListener {
    final TestClock clock;
    final AmplitudeEmulator emulator;
    final DeviceLanes lanes;
    final SourceUnit unit = new AckLedger().open("events.ndjson");
    /** Each request, as it went: when (ms of test time since the start) and how many events. */
    final List<Sent> sent = new ArrayList<>();
    private final long start;
    /** How long the next request takes to reach Amplitude, which counts it then, and answers at once. */
    private Duration nextArrivesAfter = Duration.ZERO;

    record Sent(long atMillis, int events) {
    }

    /**
     * @param settings how the emulator behaves (its clock is set to this test's)
     * @param delivery what delivery's settings differ in from the defaults of application.properties
     */
    LanesOnAClock(EmulatorSettings settings, Settings delivery) {
        this(new TestClock(), settings, delivery);
    }

    private LanesOnAClock(TestClock clock, EmulatorSettings settings, Settings delivery) {
        this(clock, AmplitudeEmulator.inProcess(settings.nanoClock(clock::nanoTime)), delivery);
    }

    private LanesOnAClock(TestClock clock, AmplitudeEmulator emulator, Settings delivery) {
        this.clock = clock;
        this.emulator = emulator;
        this.start = clock.nanoTime();
        DeliverySettings deliverySettings = new DeliverySettings("test-key-0123456789", 5, delivery.deviceEps,
                delivery.maxEventsPerRequest, 20_000_000, 8, 128, delivery.maxInFlightEvents, 64L << 20, Duration.ofMillis(500),
                Duration.ofSeconds(60), delivery.giveUpAfter, delivery.quotaPause, delivery.spillDir);
        lanes = new DeviceLanes(deliverySettings, this::post, this, clock, clock.nanoTime(), IN_THIS_THREAD, IN_THIS_THREAD,
                delivery.jitter);
    }

    /** What delivery's settings differ in from application.properties' defaults. */
    static final class Settings {
        double deviceEps = 300;
        int maxEventsPerRequest = 2000;
        Duration giveUpAfter;
        Duration quotaPause = Duration.ofMinutes(15);
        long maxInFlightEvents = 100_000;
        java.nio.file.Path spillDir;
        /** The backoff's draw: the longest wait it allows, so that a test knows each wait. */
        java.util.function.DoubleSupplier jitter = () -> 1.0;

        Settings deviceEps(double eps) {
            this.deviceEps = eps;
            return this;
        }

        Settings maxEventsPerRequest(int max) {
            this.maxEventsPerRequest = max;
            return this;
        }

        Settings giveUpAfter(Duration after) {
            this.giveUpAfter = after;
            return this;
        }

        Settings quotaPause(Duration pause) {
            this.quotaPause = pause;
            return this;
        }

        Settings window(long maxInFlightEvents, java.nio.file.Path spillDir) {
            this.maxInFlightEvents = maxInFlightEvents;
            this.spillDir = spillDir;
            return this;
        }
    }

    /** Another run, begun now, against the same Amplitude: new lanes, whose buckets are empty now. */
    LanesOnAClock nextRun(Settings delivery) {
        return new LanesOnAClock(clock, emulator, delivery);
    }

    /** The next request reaches Amplitude only after this long (a cold server, a slow network): it counts it then. */
    void nextRequestArrivesAfter(Duration delay) {
        nextArrivesAfter = delay;
    }

    private HttpAnswer post(RequestBody request) throws Exception {
        byte[] body = request.toByteArray();
        clock.advance(nextArrivesAfter);
        nextArrivesAfter = Duration.ZERO;
        AmplitudeEmulator.Answer answer = emulator.post(body);
        return new HttpAnswer(answer.status(), answer.retryAfter(), answer.body());
    }

    /** Hands the events {@code from..to-1} of each device to the lanes, in that order (seq = the event's number). */
    void enqueue(List<String> devices, int from, int to) throws InterruptedException {
        lanes.enqueue(events(unit, devices, from, to));
    }

    /** Does what is due, moving the clock on to each next thing due, until the condition holds (within a day of test time). */
    void runUntil(String what, BooleanSupplier condition) {
        long limit = clock.nanoTime() + TimeUnit.DAYS.toNanos(1);
        while (true) {
            long next = lanes.runDue();
            if (condition.getAsBoolean()) {
                return;
            }
            if (next == Long.MAX_VALUE || next > limit) {
                throw new AssertionError("nothing more is due, or not within a day, and not yet " + what + "; sent "
                        + sent + ", retries " + retries + ", fatal " + fatal);
            }
            clock.advanceTo(next);
        }
    }

    /** Does what is due until every event handed in is settled. */
    void runUntilAllSettled() {
        runUntil("every event is settled", () -> unit.outstanding() == 0);
    }

    /** Test time since the start, in milliseconds. */
    long elapsedMillis() {
        return TimeUnit.NANOSECONDS.toMillis(clock.nanoTime() - start);
    }

    @Override
    public void requestSent(int events) {
        super.requestSent(events);
        sent.add(new Sent(elapsedMillis(), events));
    }

    /** Runs each task at once, in the caller's thread: the lanes' senders and dispatcher, for a test that drives them. */
    private static final AbstractExecutorService IN_THIS_THREAD = new AbstractExecutorService() {
        @Override
        public void execute(Runnable task) {
            task.run();
        }

        @Override
        public void shutdown() {
        }

        @Override
        public List<Runnable> shutdownNow() {
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return false;
        }

        @Override
        public boolean isTerminated() {
            return false;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
        }
    };
}

package io.ampfill.delivery;

import io.ampfill.emulator.AmplitudeEmulator;
import io.ampfill.ledger.AckLedger;
import io.ampfill.ledger.SourceUnit;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Device lanes on a {@link TestClock}, posting over real HTTP (the JDK's client) to an emulator or any URL, and
 * recording what they tell the run: lines, fatal stops, deliveries and retries.
 */
final class Lanes extends RecordingListener implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    final TestClock clock = new TestClock();
    final DeviceLanes lanes;
    private final ExecutorService senders = Executors.newFixedThreadPool(8);
    private final ExecutorService dispatcher = Executors.newSingleThreadExecutor();
    final SourceUnit unit = new AckLedger().open("events.ndjson");
    private volatile String url;

    /**
     * @param deviceEps ampfill's pacing (amplitude.device-eps); every device's bucket starts full
     */
    Lanes(String url, double deviceEps, int maxEventsPerRequest, Duration quotaPause, Path spillDir) {
        this.url = url;
        DeliverySettings settings = new DeliverySettings("test-key-0123456789", 5, deviceEps, maxEventsPerRequest,
                20_000_000, 8, 128, 100_000, 64L << 20, Duration.ofSeconds(1), Duration.ofSeconds(1), null, quotaPause, spillDir);
        lanes = new DeviceLanes(settings, this::post, this, clock, clock.nanoTime() - TimeUnit.SECONDS.toNanos(10),
                senders, dispatcher).start();
    }

    Lanes(AmplitudeEmulator emulator, double deviceEps) {
        this(emulator.batchUrl(), deviceEps, 2000, Duration.ofMinutes(15), null);
    }

    /** Where the requests go from now on. */
    void sendTo(String url) {
        this.url = url;
    }

    private HttpAnswer post(RequestBody request) throws Exception {
        byte[] body = request.toByteArray();
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        return new HttpAnswer(answer.statusCode(), answer.headers().firstValue("Retry-After").orElse(null), answer.body());
    }

    /** Hands the events {@code from..to-1} of each device to the lanes, in that order (seq = the event's number). */
    void enqueue(List<String> devices, int from, int to) throws InterruptedException {
        lanes.enqueue(events(unit, devices, from, to));
    }

    /** Moves the clock on and has the lanes look at it. */
    void advance(Duration by) {
        clock.advance(by);
        lanes.wakeDispatcher();
    }

    /** Moves the clock on in steps of 50 ms, as fast as the lanes keep up, until the condition holds (up to 10 s of real time). */
    void advanceUntil(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out moving the clock on until " + what);
            }
            advance(Duration.ofMillis(50));
            Thread.sleep(1);
        }
    }

    /** Waits, in real time (up to 10 s), until the condition holds; the test's clock does not move meanwhile. */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(2);
        }
    }

    @Override
    public void deadLetter(OutboundEvent event, String reason) {
        throw new AssertionError("dead-lettered " + event.insertId() + ": " + reason);
    }

    @Override
    public void close() {
        lanes.close();
        senders.shutdownNow();
        dispatcher.shutdownNow();
    }
}

package io.ampfill.delivery;

import java.nio.file.Path;
import java.time.Duration;

/** The delivery settings of application.properties (amplitude.*), read once at start. */
public record DeliverySettings(
        String apiKey,
        int minIdLength,
        double deviceEps,
        int maxEventsPerRequest,
        long maxRequestBytes,
        int maxConcurrentRequests,
        int maxConcurrentRequestsCeiling,
        long maxInFlightEvents,
        long maxInFlightBytes,
        Duration retryBase,
        Duration retryMaxBackoff,
        Duration giveUpAfter,
        Duration quotaPause,
        Path spillDir) {

    /** amplitude.max-concurrent-requests=adaptive: the limit on requests in flight adapts ({@link RequestConcurrency}). */
    public static final int ADAPTIVE = 0;

    /** Pace a little under the configured rate: request timings jitter and Amplitude's buckets do not forgive. */
    public static final double RATE_MARGIN = 0.97;

    /** Amplitude's backfill guide's rate per device: what pacing starts from after a 429 that names no eps_threshold. */
    public static final double RECOMMENDED_DEVICE_EPS = 300;

    /**
     * Events a lane keeps in memory; those beyond wait on disk in {@link #spillDir()} (null: they wait in memory,
     * and a device that sends slower than it is read holds up the reading). Two requests' worth keeps a lane busy,
     * and a quarter of the window leaves room for the other devices' events.
     */
    public boolean adaptiveConcurrency() {
        return maxConcurrentRequests == ADAPTIVE;
    }

    /** The most requests that can ever be in flight: the sender threads and HTTP connections to allow. */
    public int mostConcurrentRequests() {
        return adaptiveConcurrency() ? maxConcurrentRequestsCeiling : maxConcurrentRequests;
    }

    public int laneMemoryEvents() {
        return (int) Math.max(1, Math.min(2L * maxEventsPerRequest, maxInFlightEvents / 4));
    }

    public DeliverySettings {
        if (apiKey == null || apiKey.isEmpty()) {
            throw new IllegalArgumentException("delivery needs an API key (the dry run sends a placeholder)");
        }
        if (deviceEps < 0) {
            throw new IllegalArgumentException("amplitude.device-eps must be 0 (no pacing) or positive, got " + deviceEps);
        }
        if (maxEventsPerRequest < 1 || maxEventsPerRequest > 2000) {
            throw new IllegalArgumentException("amplitude.max-events-per-request must be 1..2000, got " + maxEventsPerRequest);
        }
        if (maxConcurrentRequests < 0) {
            throw new IllegalArgumentException("amplitude.max-concurrent-requests must be adaptive or at least 1, got " + maxConcurrentRequests);
        }
        if (maxConcurrentRequestsCeiling < 1) {
            throw new IllegalArgumentException("amplitude.max-concurrent-requests-ceiling must be at least 1, got " + maxConcurrentRequestsCeiling);
        }
        if (maxInFlightEvents < 1) {
            throw new IllegalArgumentException("backfill.max-in-flight-events must be at least 1, got " + maxInFlightEvents);
        }
        if (maxInFlightBytes < 1) {
            throw new IllegalArgumentException("backfill.max-in-flight-bytes must be at least 1, got " + maxInFlightBytes);
        }
    }
}

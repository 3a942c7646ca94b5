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

    /** backfill.max-in-flight-bytes=auto: the window's bytes follow the heap ({@link #autoInFlightBytes}). */
    public static final String AUTO = "auto";

    /** The most bytes auto gives the window: what 128 full requests in flight and the events behind them hold. */
    public static final long AUTO_IN_FLIGHT_BYTES_MOST = 256L << 20;

    /**
     * The window's bytes for auto: two fifths of the heap, at most {@link #AUTO_IN_FLIGHT_BYTES_MOST}. An event
     * waiting or in flight holds about 1.3 times its JSON on the heap (the rest of the heap is the reading's and the
     * garbage collector's room), and a far Amplitude needs events of about 1.5 round trips in memory: each device
     * has one batch on the wire while the next gathers. With the launcher's 352 MB heap, about 135 MB: 128 requests
     * in flight against an Amplitude 1 s away, where 64 MB held it to about 60.
     */
    public static long autoInFlightBytes(long maxHeap) {
        return Math.max(1, Math.min(maxHeap / 5 * 2, AUTO_IN_FLIGHT_BYTES_MOST));
    }

    /**
     * backfill.max-in-flight-bytes (or the component's maxInFlightBytes) as delivery takes it: auto, or a whole
     * number of bytes of at least 1.
     *
     * @throws IllegalArgumentException neither
     */
    public static long inFlightBytes(String value, long maxHeap) {
        String text = value == null ? "" : value.trim();
        if (AUTO.equalsIgnoreCase(text)) {
            return autoInFlightBytes(maxHeap);
        }
        try {
            long bytes = Long.parseLong(text);
            if (bytes >= 1) {
                return bytes;
            }
        } catch (NumberFormatException notANumber) {
            // said below
        }
        throw new IllegalArgumentException("maxInFlightBytes must be auto or a whole number of bytes of at least 1, got " + value);
    }

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

package io.ampfill.emulator;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One token bucket per id (device_id or user_id), refilled continuously at eps up to eps * burstSeconds.
 * Not thread-safe: the emulator calls it under its ingest lock.
 */
final class RateBuckets {

    private final double eps;
    private final double capacity;
    private final double burstSeconds;
    /** Whether a full bucket refuses a demand larger than it holds, instead of going into debt for it. */
    private final boolean strict;
    private final Map<String, Bucket> buckets = new HashMap<>();

    RateBuckets(double eps, double burstSeconds, boolean strict) {
        this.eps = eps;
        this.burstSeconds = burstSeconds;
        this.strict = strict;
        this.capacity = eps * burstSeconds;
    }

    double eps() {
        return eps;
    }

    /**
     * Ids whose bucket cannot take their events now, each with the rate it would reach (events/s over the burst).
     * A full bucket admits any demand, going into debt, so a request holding more events for one id than the
     * bucket's capacity still passes once that id has been quiet, instead of never; unless the buckets are strict.
     */
    Map<String, Double> throttled(Map<String, Integer> demand, long nowNanos) {
        Map<String, Double> throttled = null;
        for (Map.Entry<String, Integer> wanted : demand.entrySet()) {
            Bucket bucket = buckets.get(wanted.getKey());
            double tokens = bucket == null ? capacity : bucket.tokensAt(nowNanos, eps, capacity);
            int need = wanted.getValue();
            if (tokens < (strict ? need : Math.min(need, capacity))) {
                if (throttled == null) {
                    throttled = new LinkedHashMap<>();
                }
                throttled.put(wanted.getKey(), (capacity - tokens + need) / burstSeconds);
            }
        }
        return throttled == null ? Map.of() : throttled;
    }

    void consume(Map<String, Integer> demand, long nowNanos) {
        for (Map.Entry<String, Integer> wanted : demand.entrySet()) {
            Bucket bucket = buckets.computeIfAbsent(wanted.getKey(), id -> new Bucket(capacity, nowNanos));
            bucket.take(wanted.getValue(), nowNanos, eps, capacity);
        }
    }

    void clear() {
        buckets.clear();
    }

    private static final class Bucket {
        private double tokens;
        private long refilledAtNanos;

        Bucket(double tokens, long nowNanos) {
            this.tokens = tokens;
            this.refilledAtNanos = nowNanos;
        }

        double tokensAt(long nowNanos, double eps, double capacity) {
            double refill = (nowNanos - refilledAtNanos) / 1e9 * eps;
            return Math.min(capacity, tokens + refill);
        }

        void take(int count, long nowNanos, double eps, double capacity) {
            tokens = tokensAt(nowNanos, eps, capacity) - count;
            refilledAtNanos = nowNanos;
        }
    }
}

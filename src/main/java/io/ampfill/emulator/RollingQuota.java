package io.ampfill.emulator;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Events per id over a rolling window counted in 24 steps, like Amplitude's daily quota (24 h in 1 h steps).
 * Not thread-safe: the emulator calls it under its ingest lock.
 */
final class RollingQuota {

    private static final int STEPS = 24;

    private final long quota;
    private final long stepNanos;
    private final long originNanos;
    private final Map<String, StepCounts> counts = new HashMap<>();

    RollingQuota(long quota, Duration window, long originNanos) {
        this.quota = quota;
        this.stepNanos = Math.max(1, window.toNanos() / STEPS);
        this.originNanos = originNanos;
    }

    /** Ids that would go over the quota with these events, each with its count in the current window. */
    Map<String, Long> exceeded(Map<String, Integer> demand, long nowNanos) {
        long step = stepAt(nowNanos);
        Map<String, Long> exceeded = null;
        for (Map.Entry<String, Integer> wanted : demand.entrySet()) {
            StepCounts stepCounts = counts.get(wanted.getKey());
            long used = stepCounts == null ? 0 : stepCounts.total(step);
            if (used + wanted.getValue() > quota) {
                if (exceeded == null) {
                    exceeded = new LinkedHashMap<>();
                }
                exceeded.put(wanted.getKey(), used);
            }
        }
        return exceeded == null ? Map.of() : exceeded;
    }

    void record(Map<String, Integer> demand, long nowNanos) {
        long step = stepAt(nowNanos);
        for (Map.Entry<String, Integer> wanted : demand.entrySet()) {
            counts.computeIfAbsent(wanted.getKey(), id -> new StepCounts()).add(step, wanted.getValue());
        }
    }

    void clear() {
        counts.clear();
    }

    private long stepAt(long nowNanos) {
        return (nowNanos - originNanos) / stepNanos;
    }

    /** A ring of the last 24 steps' counts; a slot whose step has fallen out of the window counts as empty. */
    private static final class StepCounts {
        private final long[] stepOfSlot = new long[STEPS];
        private final long[] countOfSlot = new long[STEPS];

        StepCounts() {
            Arrays.fill(stepOfSlot, -1);
        }

        long total(long currentStep) {
            long total = 0;
            for (int slot = 0; slot < STEPS; slot++) {
                if (stepOfSlot[slot] > currentStep - STEPS) {
                    total += countOfSlot[slot];
                }
            }
            return total;
        }

        void add(long step, int events) {
            int slot = (int) (step % STEPS);
            if (stepOfSlot[slot] != step) {
                stepOfSlot[slot] = step;
                countOfSlot[slot] = 0;
            }
            countOfSlot[slot] += events;
        }
    }
}

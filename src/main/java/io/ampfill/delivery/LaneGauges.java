package io.ampfill.delivery;

/**
 * What the lanes hold at one moment, for progress and metrics: events read and not yet settled (in memory and on disk),
 * devices paused for their daily quota, the device that needs the longest to send what it holds, and the requests in
 * flight with the limit on them (adaptive or fixed).
 *
 * @param slowest null when no paced device holds events
 */
public record LaneGauges(long eventsInMemory, long eventsOnDisk, int pausedDevices, SlowestDevice slowest,
                         int requestsInFlight, int concurrencyLimit) {
    public static final LaneGauges NONE = new LaneGauges(0, 0, 0, null, 0, 0);

    /**
     * The device whose events held now take longest to send at its rate: its wait (a backoff, a quota pause) plus its
     * events over its rate. A run cannot end before it has sent them, however fast the others go.
     */
    public record SlowestDevice(String key, long events, double eventsPerSecond, long waitNanos) {
        public double secondsLeft() {
            return waitNanos / 1e9 + events / eventsPerSecond;
        }
    }

    /** Two endpoints' lanes as one: counts added, the slower of their slowest devices. */
    public LaneGauges plus(LaneGauges other) {
        SlowestDevice slower = slowest == null || (other.slowest != null && other.slowest.secondsLeft() > slowest.secondsLeft())
                ? other.slowest : slowest;
        return new LaneGauges(eventsInMemory + other.eventsInMemory, eventsOnDisk + other.eventsOnDisk,
                pausedDevices + other.pausedDevices, slower, requestsInFlight + other.requestsInFlight,
                concurrencyLimit + other.concurrencyLimit);
    }
}

package io.ampfill.delivery;

/**
 * One device's pace: a token bucket holding a second's worth of its rate, less {@link DeliverySettings#RATE_MARGIN},
 * refilled at that rate. The rate is lowered after a 429 for the device (AIMD) and set when pacing is learned. A rate
 * of 0: not paced, every call lets everything through. Not thread-safe: used under the lanes' lock.
 */
final class TokenBucket {
    /** amplitude.device-eps, or the rate learned from a 429 while pacing is off; 0: not paced. */
    private double configuredEps;
    private double eps;
    private double tokens;
    private long refilledAt;
    // The bucket counts a batch from when it was sent, but Amplitude counts it when the request reaches it, which may be
    // as late as its answer: a request slow to arrive (a cold server, a slow network) and the next one quick would
    // reach it closer than a second apart, and be answered 429. So after an answer the tokens are also at most those
    // left at the send plus what Amplitude's own rate (eps, without the margin) gives back since the answer. With a
    // quick answer this bound is never the lower one.
    private double tokensAfterSend;
    private long answeredAt;

    /** A bucket whose tokens were none at {@code emptyAt}, an instant of the past, and have come in since. */
    TokenBucket(double eps, long now, long emptyAt) {
        this.configuredEps = eps;
        this.eps = eps;
        this.refilledAt = Math.min(emptyAt, now);
        refill(now);
    }

    boolean paced() {
        return configuredEps > 0;
    }

    /** Its rate is lower than the configured one: a 429 for the device slowed it down, and it has not recovered yet. */
    boolean slowed() {
        return eps != configuredEps;
    }

    /** Paced from now on, with no tokens: Amplitude's bucket, which has just refused the device, is spent. */
    void startPacing(double rate, long now) {
        configuredEps = rate;
        eps = rate;
        tokens = 0;
        tokensAfterSend = 0;
        refilledAt = now;
        answeredAt = now;
    }

    /** Events per second it lets through now (0: not paced). */
    double rate() {
        return paced() ? eps * DeliverySettings.RATE_MARGIN : 0;
    }

    /** Most events in one batch: a second's worth (Integer.MAX_VALUE when not paced). */
    int capacity() {
        return paced() ? Math.max(1, (int) (eps * DeliverySettings.RATE_MARGIN)) : Integer.MAX_VALUE;
    }

    /** Whether it could send a second's worth now: then a new bucket for the device would be no different. */
    boolean full(long now) {
        return dueAt(now, capacity()) <= now;
    }

    private void refill(long now) {
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

    /** When it will hold enough for {@code wanted} events, or a full second's worth if less (now if it already does). */
    long dueAt(long now, int wanted) {
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

    /** Takes up to {@code max} tokens for a batch sent now; returns how many it took. */
    int take(long now, int max) {
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

    /** Gives back tokens taken for events that did not fit in the request. */
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

    /** Additive increase back towards the configured rate, after a batch was taken. */
    void speedUp() {
        if (paced() && eps < configuredEps) {
            eps = Math.min(configuredEps, eps + configuredEps / 10);
        }
    }
}

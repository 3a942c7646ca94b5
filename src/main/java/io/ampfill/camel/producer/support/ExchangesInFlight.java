package io.ampfill.camel.producer.support;

import io.ampfill.camel.AmplitudeDeliveryStoppedException;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The exchanges of an endpoint whose events Amplitude has not all answered yet: when delivery stops for good, every one
 * of them fails with the one reason, and so does every exchange sent after.
 */
public final class ExchangesInFlight {
    private final Set<ExchangeEvents> waiting = ConcurrentHashMap.newKeySet();
    private volatile String stoppedBecause;

    /** Counts the exchange in; fails it at once if delivery has stopped (and returns false). */
    public boolean add(ExchangeEvents exchange) {
        waiting.add(exchange);
        String why = stoppedBecause;
        if (why != null) {
            exchange.fail(new AmplitudeDeliveryStoppedException(why)); // also if the stop came between these lines: it fails once
            return false;
        }
        return true;
    }

    void remove(ExchangeEvents exchange) {
        waiting.remove(exchange);
    }

    /** Delivery stopped for this reason: every exchange in flight fails, and every later one. */
    public void stop(String reason) {
        if (stoppedBecause == null) {
            stoppedBecause = reason;
        }
        for (ExchangeEvents exchange : waiting) {
            exchange.fail(new AmplitudeDeliveryStoppedException(stoppedBecause));
        }
    }

    /** Why delivery stopped for good, or null. */
    public String stoppedBecause() {
        return stoppedBecause;
    }
}

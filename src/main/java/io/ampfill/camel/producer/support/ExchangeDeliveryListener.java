package io.ampfill.camel.producer.support;

import io.ampfill.delivery.DeliveryListener;
import io.ampfill.delivery.OutboundEvent;

/**
 * What delivery tells an endpoint, passed on: a refused event to its exchange, if one waits for it (ACKNOWLEDGEMENT),
 * else to the route's listener (ACCEPTANCE: its exchange has completed); a fatal stop to every exchange in flight and to
 * the listener; everything else to the listener.
 */
public final class ExchangeDeliveryListener implements DeliveryListener {
    private final DeliveryListener listener;
    private final ExchangesInFlight inFlight;

    public ExchangeDeliveryListener(DeliveryListener listener, ExchangesInFlight inFlight) {
        this.listener = listener;
        this.inFlight = inFlight;
    }

    @Override
    public void deadLetter(OutboundEvent event, String reason) {
        if (event.origin() instanceof ExchangeEvents exchange) {
            exchange.refused(event.ordinal(), reason);
        } else {
            listener.deadLetter(event, reason);
        }
    }

    @Override
    public void fatal(String message) {
        inFlight.stop(message);
        listener.fatal(message);
    }

    @Override
    public void requestSent(int events) {
        listener.requestSent(events);
    }

    @Override
    public void answered(int status, long nanos) {
        listener.answered(status, nanos);
    }

    @Override
    public void delivered(int events) {
        listener.delivered(events);
    }

    @Override
    public void retry(String cause) {
        listener.retry(cause);
    }

    @Override
    public void waitedOnDisk(int events) {
        listener.waitedOnDisk(events);
    }

    @Override
    public void notice(String line) {
        listener.notice(line);
    }
}

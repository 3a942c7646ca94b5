package io.ampfill.camel;

import io.ampfill.camel.producer.support.EventBodies;
import io.ampfill.camel.producer.support.ExchangeEvents;
import io.ampfill.delivery.OutboundEvent;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultAsyncProducer;

import java.util.List;

/**
 * Hands an exchange's events to the endpoint's device lanes and returns: the exchange completes when Amplitude has
 * answered for each of them (ACKNOWLEDGEMENT) or at once (ACCEPTANCE). It waits only while the in-flight window is full.
 */
public class AmplitudeProducer extends DefaultAsyncProducer {
    private final AmplitudeEndpoint endpoint;
    private final boolean onAcceptance;

    public AmplitudeProducer(AmplitudeEndpoint endpoint) {
        super(endpoint);
        this.endpoint = endpoint;
        this.onAcceptance = endpoint.getConfiguration().getCompletion() == AmplitudeCompletion.ACCEPTANCE;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        if (onAcceptance) {
            try {
                endpoint.lanes().enqueue(EventBodies.accepted(exchange.getMessage().getBody()));
            } catch (Exception e) {
                exchange.setException(stopped(e));
            }
            callback.done(true);
            return true;
        }
        ExchangeEvents events = new ExchangeEvents(exchange, callback, endpoint.inFlight(), endpoint.getConfiguration().getWorkerPool());
        try {
            List<OutboundEvent> mapped = endpoint.bodies().map(exchange, events);
            if (endpoint.inFlight().add(events)) {
                endpoint.lanes().enqueue(mapped);
            }
        } catch (Exception e) {
            events.fail(stopped(e));
        }
        events.handedOver();
        return false;
    }

    /** Delivery's own "has stopped" in the words of the fatal answer that stopped it, where there was one. */
    private Exception stopped(Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt(); // Camel is stopping
        }
        String fatal = endpoint.inFlight().stoppedBecause();
        return e instanceof IllegalStateException && fatal != null ? new AmplitudeDeliveryStoppedException(fatal) : e;
    }
}

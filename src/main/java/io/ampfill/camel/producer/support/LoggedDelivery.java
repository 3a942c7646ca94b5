package io.ampfill.camel.producer.support;

import io.ampfill.delivery.DeliveryListener;
import io.ampfill.delivery.OutboundEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What delivery tells, when the route gave no listener of its own: refusals and stops logged, counts not kept. */
public final class LoggedDelivery implements DeliveryListener {
    private static final Logger LOG = LoggerFactory.getLogger("io.ampfill.camel.amplitude");

    @Override
    public void deadLetter(OutboundEvent event, String reason) {
        LOG.warn("Amplitude refused the event with insert_id {} after its exchange completed: {}", event.insertId(), reason);
    }

    @Override
    public void requestSent(int events) {
    }

    @Override
    public void delivered(int events) {
    }

    @Override
    public void retry(String cause) {
    }

    @Override
    public void fatal(String message) {
        LOG.error("Amplitude delivery stopped: {}", message);
    }

    @Override
    public void waitedOnDisk(int events) {
    }

    @Override
    public void notice(String line) {
        LOG.info(line);
    }
}

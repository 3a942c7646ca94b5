package io.ampfill.observe;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.util.Map;
import java.util.function.Supplier;

/**
 * Readiness of a run: down once delivery has stopped (Amplitude answered fatally: a wrong API key, a 403; or the
 * source or the dead-letter folder failed) or while the state store cannot be written, with the reason, free of
 * secrets, as the message. Not a liveness check: the process is alive and says why
 * it cannot deliver.
 */
public final class DeliveryHealthCheck extends AbstractHealthCheck {
    private final Supplier<String> deliveryStopped;
    private final Supplier<String> storeProblem;

    /**
     * @param deliveryStopped why delivery stopped (a fatal answer from Amplitude, a source that failed), or null
     * @param storeProblem     why the last save of positions failed, or null
     */
    public DeliveryHealthCheck(Supplier<String> deliveryStopped, Supplier<String> storeProblem) {
        super("ampfill", "delivery");
        this.deliveryStopped = deliveryStopped;
        this.storeProblem = storeProblem;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        String stopped = deliveryStopped.get();
        String store = storeProblem.get();
        if (stopped != null) {
            builder.down().message("delivery stopped: " + stopped);
        } else if (store != null) {
            builder.down().message("state store: " + store);
        } else {
            builder.up();
        }
    }
}

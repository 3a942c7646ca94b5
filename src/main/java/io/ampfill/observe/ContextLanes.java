package io.ampfill.observe;

import io.ampfill.camel.AmplitudeEndpoint;
import io.ampfill.delivery.LaneGauges;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;

import java.util.function.Supplier;

/** What the lanes of every {@code amplitude} endpoint of a Camel context hold now, as one. */
public final class ContextLanes implements Supplier<LaneGauges> {
    private final CamelContext context;

    public ContextLanes(CamelContext context) {
        this.context = context;
    }

    @Override
    public LaneGauges get() {
        LaneGauges all = LaneGauges.NONE;
        for (Endpoint endpoint : context.getEndpoints()) {
            if (endpoint instanceof AmplitudeEndpoint amplitude) {
                all = all.plus(amplitude.laneGauges());
            }
        }
        return all;
    }
}

package io.ampfill.delivery;

import java.util.ArrayList;
import java.util.List;

/**
 * The batches of several lanes that go out in one POST, in the order they were taken: their events side by side,
 * as they go into the body. Each lane has one batch in flight, so it keeps where its batch is in the request.
 */
final class Request {
    final List<OutboundEvent> events = new ArrayList<>();
    final List<Lane> lanes = new ArrayList<>();
    /** The events' JSON bytes, and a comma each. */
    long bytes;
    /** Requests in flight when it was sent, itself included: what the concurrency limit learns its answer against. */
    int inFlightAtSend;

    int size() {
        return events.size();
    }
}

package io.ampfill.delivery;

/**
 * Where an event came from, told when the event is settled: acknowledged by Amplitude, or refused (the refusal is told
 * first, see {@link DeliveryListener#deadLetter}). A source unit of ampfill's own routes (a file, a table's page), or
 * the exchange of a Camel route that waits for its events. Delivery knows nothing else of it: an opaque position.
 */
public interface EventOrigin {
    /** The event of this ordinal is settled; called once per event, from any thread. */
    void settle(long ordinal);
}

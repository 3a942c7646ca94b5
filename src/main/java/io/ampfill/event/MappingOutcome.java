package io.ampfill.event;

/** What becomes of one record a source read: an event to send, or a refusal the dead-letter store keeps. */
public sealed interface MappingOutcome permits MappedEvent, Refused {
}

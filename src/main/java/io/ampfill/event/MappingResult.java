package io.ampfill.event;

/** What became of one record: an event to send, or why it cannot be sent. */
public sealed interface MappingResult permits MappedEvent, Rejection {
}

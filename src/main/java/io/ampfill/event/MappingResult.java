package io.ampfill.event;

/** What the tree mapper makes of one parsed record: an event to send, or why it cannot be sent (and which field). */
public sealed interface MappingResult permits MappedEvent, Rejection {
}

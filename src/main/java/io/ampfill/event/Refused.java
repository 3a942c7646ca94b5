package io.ampfill.event;

import io.ampfill.source.SourceRecord;

/**
 * A record that is not sent: why, and the record as its dead letter keeps it, a {@link SourceRecord.Tree} or the
 * {@link SourceRecord.Unreadable} input (an NDJSON line that is refused comes parsed, or as the text it is).
 */
public record Refused(SourceRecord asRead, String reason) implements MappingOutcome {
}

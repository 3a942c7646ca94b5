package io.ampfill.event;

import io.ampfill.deadletter.DeadLetterStore;
import io.ampfill.delivery.OutboundEvent;
import io.ampfill.ledger.SourceUnit;
import io.ampfill.report.RunReport;
import io.ampfill.source.SourceRecord;
import io.ampfill.source.SourceRecord.Tree;
import io.ampfill.source.SourceRecord.Unreadable;

import java.util.ArrayList;
import java.util.List;

/**
 * Maps and validates a chunk of records of one source unit: the invalid ones go to the dead-letter
 * store with their reason (and are settled at once), the valid ones come back in order, for delivery.
 */
public final class EventIntake {
    private final RecordMapper mapper;
    private final DeadLetterStore deadLetters;
    private final RunReport report;

    public EventIntake(RecordMapper mapper, DeadLetterStore deadLetters, RunReport report) {
        this.mapper = mapper;
        this.deadLetters = deadLetters;
        this.report = report;
    }

    /** The chunk's valid events, in order, each settling its record in {@code unit}. */
    public List<OutboundEvent> accept(List<SourceRecord> chunk, SourceUnit unit) {
        List<OutboundEvent> events = new ArrayList<>(chunk.size());
        int longStrings = 0;
        // the loop's body is a method of its own: the JIT then compiles it, small, once it has run often enough,
        // rather than the whole of accept() "on stack" in the middle of its first chunks
        for (SourceRecord record : chunk) {
            longStrings += take(record, unit, events);
        }
        report.recordsRead(chunk.size());
        if (longStrings > 0) {
            report.longStrings(longStrings);
        }
        return events;
    }

    /** Maps one record into {@code events}, or dead-letters it; returns the long strings the event had cut. */
    private int take(SourceRecord record, SourceUnit unit, List<OutboundEvent> events) {
        long ordinal = unit.nextOrdinal();
        MappingOutcome outcome = mapper.map(record);
        if (outcome instanceof MappedEvent event) {
            events.add(new OutboundEvent(event.deviceKey(), event.deviceId(), event.userId(),
                    event.json(), unit, ordinal, record.line()));
            return event.truncatedStrings();
        }
        Refused refused = (Refused) outcome;
        deadLetter(deadLetters, unit, ordinal, refused);
        report.deadLettered(unit.name(), refused.reason());
        unit.settle(ordinal);
        return 0;
    }

    /** Writes a refused record's dead letter: the record as parsed, or its text where it did not parse. */
    public static void deadLetter(DeadLetterStore deadLetters, SourceUnit unit, long ordinal, Refused refused) {
        if (refused.asRead() instanceof Tree tree) {
            deadLetters.write(unit, ordinal, tree.line(), refused.reason(), tree.value());
        } else {
            Unreadable input = (Unreadable) refused.asRead();
            deadLetters.writeRaw(unit, ordinal, input.line(), input.reason(), input.raw(), input.notKept());
        }
    }
}

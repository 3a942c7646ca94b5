package io.ampfill.event;

import io.ampfill.deadletter.DeadLetterStore;
import io.ampfill.delivery.OutboundEvent;
import io.ampfill.ledger.SourceUnit;
import io.ampfill.report.RunReport;
import io.ampfill.source.SourceRecord;

import java.util.ArrayList;
import java.util.List;

/**
 * Maps and validates a chunk of records of one source unit: the invalid ones go to the dead-letter
 * store with their reason (and are settled at once), the valid ones come back in order, for delivery.
 */
public final class EventIntake {
    private final EventMapper mapper;
    private final DeadLetterStore deadLetters;
    private final RunReport report;

    public EventIntake(EventMapper mapper, DeadLetterStore deadLetters, RunReport report) {
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
        if (!record.parsed()) {
            reject(unit, ordinal, record.error(), () ->
                    deadLetters.writeRaw(unit, ordinal, record.line(), record.error(), record.raw(), record.notKept()));
            return 0;
        }
        // an NDJSON line the reader's fast path mapped comes as its event already
        MappingResult result = record.mapped() != null ? record.mapped() : mapper.map(record.value());
        if (result instanceof Rejection rejection) {
            reject(unit, ordinal, rejection.reason(), () ->
                    deadLetters.write(unit, ordinal, record.line(), rejection.reason(), record.value()));
        } else if (result instanceof MappedEvent event) {
            events.add(new OutboundEvent(event.deviceKey(), event.deviceId(), event.userId(), event.insertId(),
                    event.json(), unit, ordinal, record.line()));
            return event.truncatedStrings();
        }
        return 0;
    }

    private void reject(SourceUnit unit, long ordinal, String reason, Runnable store) {
        store.run();
        report.deadLettered(reason);
        unit.settle(ordinal);
    }
}

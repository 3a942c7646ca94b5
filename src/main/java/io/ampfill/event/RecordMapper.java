package io.ampfill.event;

import io.ampfill.source.SourceRecord;
import io.ampfill.source.SourceRecord.Line;
import io.ampfill.source.SourceRecord.Tree;
import io.ampfill.source.SourceRecord.Unreadable;

/**
 * The one way into mapping: what becomes of a record of any kind a source read. An NDJSON line takes the line path
 * ({@link LineMapper}: one pass over its bytes, no tree) where it can; any other line is parsed and goes, as the
 * other formats' records do, the tree path ({@link TreeMapper}, which words every rejection). Both paths make the
 * same event of a record (LineMapperTest). Thread-safe.
 */
public final class RecordMapper {
    private final LineMapper lines;
    private final TreeMapper trees;

    public RecordMapper(MappingSettings settings) {
        this.lines = new LineMapper(settings);
        this.trees = new TreeMapper(settings);
    }

    /** The event to send, or the refusal with its reason; never throws for bad data. */
    public MappingOutcome map(SourceRecord record) {
        if (record instanceof Line line) {
            MappedEvent event = lines.tryMap(line.bytes(), line.offset(), line.length());
            return event != null ? event : mapParsed(line.parsed());
        }
        return mapParsed(record);
    }

    /** A tree, or input that could not be read. */
    private MappingOutcome mapParsed(SourceRecord record) {
        if (record instanceof Tree tree) {
            MappingResult result = trees.map(tree.value());
            return result instanceof Rejection rejection ? new Refused(tree, rejection.reason()) : (MappedEvent) result;
        }
        Unreadable unreadable = (Unreadable) record;
        return new Refused(unreadable, unreadable.reason());
    }
}

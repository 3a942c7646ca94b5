package io.ampfill.source;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ampfill.source.SourceRecord.Line;
import io.ampfill.source.SourceRecord.Tree;
import io.ampfill.source.SourceRecord.Unreadable;

import static org.assertj.core.api.Assertions.assertThat;

/** A record as the readers' tests look at it: as read, an NDJSON line parsed as the mapping parses it. */
public final class Records {

    private Records() {
    }

    /** The record's object; fails the test if it is not one. */
    public static ObjectNode value(SourceRecord record) {
        SourceRecord read = parsed(record);
        assertThat(read).as("a record that is a JSON object").isInstanceOf(Tree.class);
        return ((Tree) read).value();
    }

    /** The input that could not be read; fails the test if the record is an object. */
    public static Unreadable unreadable(SourceRecord record) {
        SourceRecord read = parsed(record);
        assertThat(read).as("input that is not a record").isInstanceOf(Unreadable.class);
        return (Unreadable) read;
    }

    /** Why the input is not a record, or null for one that is. */
    public static String reason(SourceRecord record) {
        return parsed(record) instanceof Unreadable unreadable ? unreadable.reason() : null;
    }

    public static String raw(SourceRecord record) {
        return unreadable(record).raw();
    }

    public static String notKept(SourceRecord record) {
        return unreadable(record).notKept();
    }

    public static boolean isTree(SourceRecord record) {
        return parsed(record) instanceof Tree;
    }

    private static SourceRecord parsed(SourceRecord record) {
        return record instanceof Line line ? line.parsed() : record;
    }
}

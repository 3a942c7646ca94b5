package io.ampfill.source;

import com.fasterxml.jackson.databind.node.LongNode;

/**
 * Epoch milliseconds read from a database's TIMESTAMP or DATE column: a number like any other to JSON, but a date
 * whatever its size, so the mapper refuses it only before 1970 or too far ahead, and never guesses its unit as it
 * does for a bare number (a 1971 timestamp is not "seconds").
 */
public final class TimestampNode extends LongNode {
    private static final long serialVersionUID = 1L;

    public TimestampNode(long epochMillis) {
        super(epochMillis);
    }
}

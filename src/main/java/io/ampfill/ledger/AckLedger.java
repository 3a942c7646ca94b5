package io.ampfill.ledger;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The acknowledgement ledger: the open source units, each settling as Amplitude acknowledges its records.
 * A source is committed (a file moved to done) only through {@link SourceUnit#settled()}, never when its
 * records were merely handed to delivery.
 */
public final class AckLedger {
    private final Set<SourceUnit> open = ConcurrentHashMap.newKeySet();
    private volatile Throwable fatal;

    public SourceUnit open(String name) {
        SourceUnit unit = new SourceUnit(name);
        Throwable stopped = fatal;
        if (stopped != null) {
            unit.fail(stopped);
            return unit;
        }
        open.add(unit);
        unit.settled().whenComplete((u, e) -> open.remove(unit));
        return unit;
    }

    /** Units read or being read whose records are not all settled yet. */
    public int openUnits() {
        return open.size();
    }

    /** A fatal answer stops the run: no open unit may commit, so its input stays where it was. */
    public void failAll(Throwable cause) {
        fatal = cause;
        for (SourceUnit unit : open) {
            unit.fail(cause);
        }
    }

    public Throwable fatal() {
        return fatal;
    }
}

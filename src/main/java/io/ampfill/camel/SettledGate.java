package io.ampfill.camel;

import io.ampfill.ledger.Checkpointer;
import io.ampfill.ledger.SourceUnit;
import io.ampfill.report.RunReport;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;

/**
 * The last step of a source route: the exchange (and so the file, which the route's process strategy moves to done/
 * on completion) completes only when every record of the unit is acknowledged or dead-lettered. It is
 * asynchronous, so the file consumer reads the next file while this one's events are still in flight,
 * and a crash before that point leaves the file in the inbox, with its checkpoint.
 */
public final class SettledGate extends AsyncProcessorSupport implements AsyncProcessor {
    /** The exchange property that carries a source's unit from the route's first step to this gate. */
    public static final String UNIT = "ampfillUnit";

    private final Checkpointer checkpointer;
    private final RunReport report;
    private final Runnable beforeCommit;

    /** @param beforeCommit makes the unit's dead letters durable before its source is committed (the file moved) */
    public SettledGate(Checkpointer checkpointer, RunReport report, Runnable beforeCommit) {
        this.checkpointer = checkpointer;
        this.report = report;
        this.beforeCommit = beforeCommit;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        SourceUnit unit = exchange.getProperty(UNIT, SourceUnit.class);
        unit.readComplete();
        if (unit.settled().isDone()) {
            finish(exchange, unit);
            callback.done(true);
            return true;
        }
        unit.settled().whenComplete((u, e) -> {
            finish(exchange, unit);
            callback.done(false);
        });
        return false;
    }

    private void finish(Exchange exchange, SourceUnit unit) {
        try {
            unit.settled().join();
            if (unit.readCut()) {
                // stopping mid-file: what was read is delivered and checkpointed, the file stays for the next run
                checkpointer.save(unit); // its dead letters are on disk first (CheckpointStore.runningBeforeEverySave)
                unit.release(); // every line of its dead-letter file is of a record before that position
                exchange.setException(new ReadStoppedException(unit));
            } else {
                // read to its end, it leaves the inbox now: no position is saved for it (a store commit per file was
                // most of a small file's cost); a crash before the move resends what settled since the last timed save
                beforeCommit.run();
                unit.release(); // its dead letters are all written: the run's end must not cut them back
                report.fileCommitted();
            }
        } catch (RuntimeException failed) {
            exchange.setException(failed.getCause() != null ? failed.getCause() : failed);
        }
    }

    /** The run stopped before the end of a source; not an error: the next run resumes it. */
    public static final class ReadStoppedException extends RuntimeException {
        public ReadStoppedException(SourceUnit unit) {
            super("stopped reading " + unit.name() + " at record " + unit.committedOrdinal() + "; the next run resumes there");
        }
    }
}

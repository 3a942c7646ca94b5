package io.ampfill.cli;

import io.ampfill.deadletter.DeadLetterStore;
import io.ampfill.delivery.DeliveryListener;
import io.ampfill.delivery.OutboundEvent;
import io.ampfill.ledger.AckLedger;
import io.ampfill.ledger.SourceUnit;
import io.ampfill.report.RunReport;
import org.apache.camel.Exchange;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The state of one run: what delivery reports (dead letters, counts, a fatal stop), and when a run-once
 * is finished: the inbox is drained and every record read is acknowledged or dead-lettered.
 */
public final class RunControl implements DeliveryListener {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RunControl.class);
    private final boolean runOnce;
    private final Duration idleWait;
    private final AckLedger ledger;
    private final DeadLetterStore deadLetters;
    private final RunReport report;
    private final AtomicBoolean finishing = new AtomicBoolean();
    private volatile String fatal;
    private volatile boolean stopping;
    private volatile Runnable onFinish = () -> { };
    /** Set when the run is watched as a service: a fatal answer holds it up, not-ready, instead of ending it. */
    private volatile Runnable onHold;

    /**
     * @param idleWait how long an idle source waits for what it read to settle before it looks again (its poll
     *                 delay)
     */
    public RunControl(boolean runOnce, Duration idleWait, AckLedger ledger, DeadLetterStore deadLetters, RunReport report) {
        this.runOnce = runOnce;
        this.idleWait = idleWait;
        this.ledger = ledger;
        this.deadLetters = deadLetters;
        this.report = report;
    }

    void onFinish(Runnable onFinish) {
        this.onFinish = onFinish;
    }

    /**
     * A service that is watched (backfill.run-once=false with a management port) is not ended by a fatal answer: it
     * stops reading and delivering, runs {@code onHold} (which stops the routes) and stays up with its readiness down
     * and the reason on /observe/health/ready, as a failed task of a Kafka Connect worker does, until it is stopped.
     * Ended, it would take its health and metrics with it, and a supervisor would only start it again into the same
     * answer.
     */
    void holdOnFatal(Runnable onHold) {
        this.onHold = onHold;
    }

    /** The file consumer found nothing new: a run-once ends when nothing read is still unsettled. */
    public void inboxIdle() {
        // the consumer would sleep for the poll delay anyway: waiting as long for the last units to settle ends the
        // run when they do, not up to a poll delay later
        if (!runOnce) {
            return;
        }
        // a unit settles only once delivery has closed its books on every event of it: none open, nothing in flight
        try {
            if (ledger.awaitNoneOpen(idleWait)) {
                finish();
            }
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt(); // Camel is stopping the consumer: nothing to finish here
        }
    }

    /** A source read without end (Kafka) has caught up, everything read settled and committed: a run-once ends. */
    public void sourceCaughtUp() {
        if (runOnce) {
            finish();
        }
    }

    /** The run is stopping (Ctrl-C, SIGTERM, run-once done): sources stop reading, what was read is delivered. */
    void stopping() {
        stopping = true;
    }

    public boolean isStopping() {
        return stopping;
    }

    /** A source could not be read at all (not a bad record: those are dead-lettered): stop, input untouched. */
    public void sourceFailed(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        OutOfMemoryExit.ifCause(cause); // Camel hands the heap running out to the route as a failure: one line, exit 1
        if (cause instanceof io.ampfill.camel.SettledGate.ReadStoppedException) {
            return; // stopping mid-file is not a failure: the next run resumes from the checkpoint
        }
        Throwable kafka = kafkaCause(cause);
        if (fatal == null && kafka != null) {
            // from the Kafka sink: a record Kafka did not acknowledge within its timeouts; its chunk is not settled
            fatal("cannot publish to Kafka: " + kafka.getMessage());
        } else if (fatal == null) {
            String file = exchange.getIn().getHeader(Exchange.FILE_NAME, String.class);
            fatal("cannot read " + (file == null ? "the source" : file) + ": "
                    + (cause == null ? "unknown error" : cause.getMessage()));
        }
    }

    /** The Kafka client's own exception, where the producer wrapped it (a future's ExecutionException). */
    private static Throwable kafkaCause(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof org.apache.kafka.common.KafkaException) {
                return t;
            }
        }
        return null;
    }

    @Override
    public void deadLetter(OutboundEvent event, String reason) {
        try {
            deadLetters.writeEvent((SourceUnit) event.origin(), event.ordinal(), event.line(), reason, event.json());
        } catch (DeadLetterStore.WriteFailedException stopping) {
            return; // the store stopped the run; no position is saved from now on, so the event is read again next run
        }
        report.deadLettered(((SourceUnit) event.origin()).name(), reason);
    }

    @Override
    public void waitedOnDisk(int events) {
        report.waitedOnDisk(events);
    }

    @Override
    public void requestSent(int events) {
        report.requestSent(events);
    }

    @Override
    public void answered(int status, long nanos) {
        report.answered(status, nanos);
    }

    @Override
    public void delivered(int events) {
        report.delivered(events);
    }

    @Override
    public void retry(String cause) {
        report.retry(cause);
    }

    @Override
    public void fatal(String message) {
        if (fatal == null) {
            fatal = message; // printed once, as the run's last line
            ledger.failAll(new IllegalStateException(message));
            Runnable hold = onHold;
            if (runOnce || hold == null) {
                finish();
            } else {
                stopping();
                LOG.error("delivery stopped: {}. Readiness is down; health and metrics stay up until ampfill is stopped"
                        + " (Ctrl-C, SIGTERM); what was not delivered is read again by the next run", message);
                hold.run();
            }
        }
    }

    public String fatalMessage() {
        return fatal;
    }

    private void finish() {
        if (finishing.compareAndSet(false, true)) {
            report.finish();
            onFinish.run();
        }
    }
}

package io.ampfill.camel.producer.support;

import io.ampfill.camel.AmplitudeRefusedException;
import io.ampfill.delivery.EventOrigin;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The events of one exchange waiting for Amplitude: each settles here (its ordinal is its index in the body), and the
 * exchange completes when the last has, failing with the refused ones ({@link AmplitudeRefusedException}) if any. The
 * producer holds one more count until it has handed them all over, so the exchange cannot complete half-way.
 */
public final class ExchangeEvents implements EventOrigin {
    private final Exchange exchange;
    private final AsyncCallback callback;
    private final ExchangesInFlight inFlight;
    /**
     * Where the exchange goes on (the workerPool option), as camel-kafka's workerPool: else on the sender that settled
     * its last event, which keeps that sender busy until a waiting producer has sent its next event, so the next request
     * carries it; a pool frees the sender from slow steps after amplitude:batch at the cost of fuller requests.
     */
    private final Executor continuations;
    /** Events not yet settled, and one while the producer hands them over. */
    private final AtomicInteger unsettled = new AtomicInteger(1);
    private final AtomicBoolean completed = new AtomicBoolean();
    /** Made at the first refusal: most exchanges have none. Guarded by this. */
    private List<AmplitudeRefusedException.RefusedEvent> refused;
    private int events;

    /** @param continuations where the exchange goes on when its events are answered; null: on the thread that settled it */
    public ExchangeEvents(Exchange exchange, AsyncCallback callback, ExchangesInFlight inFlight, Executor continuations) {
        this.exchange = exchange;
        this.callback = callback;
        this.inFlight = inFlight;
        this.continuations = continuations;
    }

    /** The body holds this many events (those refused by the mapping included). */
    void events(int count) {
        events = count;
    }

    /** This many events go to Amplitude. */
    void sending(int count) {
        unsettled.addAndGet(count);
    }

    /** The event at this index is refused, for this reason (it settles too, or was never sent). */
    public synchronized void refused(long index, String reason) {
        if (refused == null) {
            refused = new ArrayList<>(1);
        }
        refused.add(new AmplitudeRefusedException.RefusedEvent((int) index, reason));
    }

    @Override
    public void settle(long ordinal) {
        if (unsettled.decrementAndGet() == 0) {
            complete(null);
        }
    }

    /** Every event is handed over: the exchange completes when they have settled (at once, if none was sent). */
    public void handedOver() {
        settle(-1);
    }

    /** The exchange fails now with this exception, whatever becomes of its events (delivery stopped, or its body is no event). */
    public void fail(Exception cause) {
        complete(cause);
    }

    private void complete(Exception cause) {
        if (!completed.compareAndSet(false, true)) {
            return;
        }
        inFlight.remove(this);
        if (cause != null) {
            exchange.setException(cause);
        } else {
            List<AmplitudeRefusedException.RefusedEvent> refusedNow;
            synchronized (this) {
                refusedNow = refused;
            }
            if (refusedNow != null) {
                refusedNow.sort(Comparator.comparingInt(AmplitudeRefusedException.RefusedEvent::index));
                exchange.setException(new AmplitudeRefusedException(refusedNow, events));
            }
        }
        if (continuations == null) {
            callback.done(false);
            return;
        }
        try {
            continuations.execute(() -> callback.done(false));
        } catch (RejectedExecutionException stoppedOrFull) {
            callback.done(false); // the pool is shut down, or full and refusing: go on here
        }
    }
}

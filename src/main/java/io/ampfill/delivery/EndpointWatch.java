package io.ampfill.delivery;

import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * What the answers say about the endpoint as a whole rather than about one request: whether it answers at all (one
 * line when it stops, one when it is back), and whether what answers is Amplitude (answers that are not Amplitude's,
 * kept up, stop the run). Told of every HTTP attempt, on the sender threads.
 */
final class EndpointWatch {
    /** Requests in a row without an answer before the endpoint is said to be unreachable: one lost connection is not an outage. */
    static final int UNREACHABLE_AFTER = 3;
    /**
     * Answers not Amplitude's stop the run once they have come for this long, and at least {@link #NOT_AMPLITUDE_ANSWERS}
     * of them, with no answer of Amplitude's between. A wrong endpoint or a proxy's sign-in page answers so every time,
     * and stopping loses nothing (the input stays where it is and the next run resumes): so stop soon, but not at the
     * first such answer, which may be a proxy's page while Amplitude's side restarts.
     */
    static final long NOT_AMPLITUDE_FOR_NANOS = TimeUnit.MINUTES.toNanos(1);
    static final int NOT_AMPLITUDE_ANSWERS = 5;

    private final Consumer<String> tell;
    private int unanswered;
    private long unansweredSince;
    private boolean toldUnreachable;
    private int notAmplitude;
    private long notAmplitudeSince;

    /** @param tell where the lines go; called outside this watch's lock */
    EndpointWatch(Consumer<String> tell) {
        this.tell = tell;
    }

    /** A request got no answer now (refused, reset, timed out): after a few in a row, one line says so. */
    void unanswered(String cause, long now) {
        String line = null;
        synchronized (this) {
            if (unanswered++ == 0) {
                unansweredSince = now;
            }
            if (unanswered >= UNREACHABLE_AFTER && !toldUnreachable) {
                toldUnreachable = true;
                line = "Amplitude is unreachable (" + cause + ", " + unanswered + " requests in a row without an answer):"
                        + " its events wait and are sent again, with backoff, until it answers";
            }
        }
        if (line != null) {
            tell.accept(line);
        }
    }

    /** An answer came to a request now: returns it, or a fatal one when answers not Amplitude's have persisted. */
    BatchAnswer answered(BatchAnswer answer, long now) {
        String line = null;
        BatchAnswer decided = answer;
        synchronized (this) {
            if (toldUnreachable) {
                line = "Amplitude answers again, after " + ElapsedText.of(now - unansweredSince) + " unreachable ("
                        + unanswered + " requests went without an answer)";
                toldUnreachable = false;
            }
            unanswered = 0;
            if (answer instanceof BatchAnswer.NotAmplitude foreign) {
                if (notAmplitude++ == 0) {
                    notAmplitudeSince = now;
                }
                if (notAmplitude >= NOT_AMPLITUDE_ANSWERS && now - notAmplitudeSince >= NOT_AMPLITUDE_FOR_NANOS) {
                    decided = new BatchAnswer.Fatal("the endpoint's answers have not been Amplitude's for "
                            + ElapsedText.of(now - notAmplitudeSince) + " (" + notAmplitude + " answers; the last: "
                            + foreign.what() + "). This usually means a wrong amplitude.endpoint, or a proxy between"
                            + " ampfill and Amplitude; none of these answers was taken as delivered");
                }
            } else if (!(answer instanceof BatchAnswer.Resend)) {
                notAmplitude = 0; // Amplitude's own answer; a 5xx may come from either, so it neither counts nor clears
            }
        }
        if (line != null) {
            tell.accept(line);
        }
        return decided;
    }
}

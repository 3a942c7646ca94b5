package io.ampfill.delivery;

import java.util.concurrent.TimeUnit;

/**
 * What the answers say about the endpoint as a whole rather than about one request: whether what answers is Amplitude
 * at all. Answers that are not Amplitude's, kept up, stop the run. Told of every HTTP attempt, on the sender threads.
 */
final class EndpointWatch {
    /**
     * Answers not Amplitude's stop the run once they have come for this long, and at least {@link #NOT_AMPLITUDE_ANSWERS}
     * of them, with no answer of Amplitude's between. A wrong endpoint or a proxy's sign-in page answers so every time,
     * and stopping loses nothing (the input stays where it is and the next run resumes): so stop soon, but not at the
     * first such answer, which may be a proxy's page while Amplitude's side restarts.
     */
    static final long NOT_AMPLITUDE_FOR_NANOS = TimeUnit.MINUTES.toNanos(1);
    static final int NOT_AMPLITUDE_ANSWERS = 5;

    private int notAmplitude;
    private long notAmplitudeSince;

    /** An answer came to a request now: returns it, or a fatal one when answers not Amplitude's have persisted. */
    synchronized BatchAnswer answered(BatchAnswer answer, long now) {
        if (answer instanceof BatchAnswer.NotAmplitude foreign) {
            if (notAmplitude++ == 0) {
                notAmplitudeSince = now;
            }
            if (notAmplitude >= NOT_AMPLITUDE_ANSWERS && now - notAmplitudeSince >= NOT_AMPLITUDE_FOR_NANOS) {
                return new BatchAnswer.Fatal("the endpoint's answers have not been Amplitude's for "
                        + ElapsedText.of(now - notAmplitudeSince) + " (" + notAmplitude + " answers; the last: "
                        + foreign.what() + "). This usually means a wrong amplitude.endpoint, or a proxy between ampfill"
                        + " and Amplitude; none of these answers was taken as delivered");
            }
        } else if (!(answer instanceof BatchAnswer.Resend)) {
            notAmplitude = 0; // Amplitude's own answer; a 5xx may come from either, so it neither counts nor clears
        }
        return answer;
    }
}

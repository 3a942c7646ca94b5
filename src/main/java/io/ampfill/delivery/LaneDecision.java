package io.ampfill.delivery;

/** What becomes of a lane after an answer to its batch: the decision of {@link AnswerPolicy}. */
sealed interface LaneDecision {

    /** Every event of its batch was acknowledged or refused: the lane goes on, its failures forgotten. */
    record Settle() implements LaneDecision {
    }

    /** Its unsent events go out again at once: the answer held nothing against this lane (a 400 that listed others, a 429 for another device). */
    record ResendNow() implements LaneDecision {
    }

    /**
     * Over its daily quota (a 429 naming {@code who}, "device ID" or "user ID"): it waits until {@code until} and then
     * tries a smaller batch ({@code batchCap}); it never gives up, as the promise is never to drop.
     */
    record PauseForQuota(String who, long until, int batchCap) implements LaneDecision {
    }

    /**
     * Its batch failed (5xx, timeout, reset, an answer not Amplitude's) or it was throttled: it resends at {@code at},
     * having failed {@code attempt} times in a row since {@code firstFailure}. Throttled: it goes slower from now on,
     * at most at {@code epsThreshold} (the rate the 429 named; 0 when it named none).
     */
    record ResendAt(long at, int attempt, long firstFailure, boolean throttled, double epsThreshold) implements LaneDecision {
    }

    /**
     * It has failed for longer than amplitude.retry.give-up-after: its unsent events are dead-lettered. Throttled (and
     * {@code epsThreshold}) as for {@link ResendAt}: the device still goes slower from now on.
     */
    record GiveUp(boolean throttled, double epsThreshold) implements LaneDecision {
    }
}

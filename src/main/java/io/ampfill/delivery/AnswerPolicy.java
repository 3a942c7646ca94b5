package io.ampfill.delivery;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The answer table of amplitude-contract.md as it applies to one lane: from the answer to a request, the lane's retry
 * state and {@code now} to a {@link LaneDecision}. A pure function (its only other input is the backoff's random
 * draw), so every row is tested without a network or a clock; the scheduler applies the decision.
 */
final class AnswerPolicy {
    private static final LaneDecision SETTLE = new LaneDecision.Settle();
    private static final LaneDecision RESEND_NOW = new LaneDecision.ResendNow();

    private final long quotaPauseNanos;
    /** amplitude.retry.give-up-after; 0: never give up. */
    private final long giveUpAfterNanos;
    private final Backoff backoff;

    AnswerPolicy(Duration quotaPause, Duration giveUpAfter, Backoff backoff) {
        this.quotaPauseNanos = quotaPause.toNanos();
        this.giveUpAfterNanos = giveUpAfter == null ? 0 : giveUpAfter.toNanos();
        this.backoff = backoff;
    }

    /**
     * @param laneKey            the lane's device (device_id, else user_id)
     * @param unsent             its events the answer left unsent, in order (empty: all were acknowledged or refused)
     * @param indexesInFailedPart where those of them in the part that got the answer were in that part (a 429 may
     *                           name events by index)
     * @param attempt            its failed attempts in a row so far
     * @param firstFailure       when the first of them was answered (0: none)
     */
    LaneDecision decide(BatchAnswer answer, String laneKey, List<OutboundEvent> unsent, List<Integer> indexesInFailedPart,
                        int attempt, long firstFailure, long now) {
        if (unsent.isEmpty()) {
            return SETTLE;
        }
        if (answer instanceof BatchAnswer.RejectListed) {
            return RESEND_NOW; // the valid events go straight back out
        }
        boolean throttled = false;
        double epsThreshold = 0;
        Duration retryAfter = null;
        if (answer instanceof BatchAnswer.TooManyRequests tooMany) {
            String overQuota = namedAs(laneKey, unsent, tooMany.quotaDevices(), tooMany.quotaUsers());
            if (overQuota != null) {
                // a batch larger than what the quota has left would be refused forever: try a smaller one
                return new LaneDecision.PauseForQuota(overQuota, now + quotaPauseNanos, Math.max(1, unsent.size() / 2));
            }
            throttled = tooMany.namesNobody()
                    || namedAs(laneKey, unsent, tooMany.throttledDevices(), tooMany.throttledUsers()) != null
                    || indexesInFailedPart.stream().anyMatch(tooMany.throttledEvents()::contains);
            if (!throttled) {
                return RESEND_NOW; // refused only because another device in the same request was over its rate
            }
            epsThreshold = tooMany.epsThreshold();
            retryAfter = tooMany.retryAfter();
        } else if (answer instanceof BatchAnswer.Resend resend) {
            retryAfter = resend.retryAfter();
        }
        long failingSince = firstFailure == 0 ? now : firstFailure;
        if (giveUpAfterNanos > 0 && now - failingSince >= giveUpAfterNanos) {
            return new LaneDecision.GiveUp(throttled, epsThreshold);
        }
        int attempts = attempt + 1;
        Duration wait = retryAfter != null ? retryAfter : backoff.delay(attempts);
        return new LaneDecision.ResendAt(now + wait.toNanos(), attempts, failingSince, throttled, epsThreshold);
    }

    /** "device ID" or "user ID" when these name the lane's device, or a user of its unsent events; else null. */
    static String namedAs(String laneKey, List<OutboundEvent> unsent, Set<String> devices, Set<String> users) {
        if (devices.contains(laneKey)) {
            return "device " + laneKey;
        }
        if (!users.isEmpty()) {
            for (OutboundEvent e : unsent) {
                if (e.userId() != null && users.contains(e.userId())) {
                    return "user " + e.userId();
                }
            }
        }
        return null;
    }
}

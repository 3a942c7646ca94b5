package io.ampfill.delivery;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What to do with a request after Amplitude answered it (or did not): the decision of
 * {@link AnswerClassifier}, one variant per row of the answer table in docs/contract.md.
 */
public sealed interface BatchAnswer {

    /** Short label for the report's retry counts, e.g. "503", "timeout", "429 throttled". */
    String cause();

    /** 200: every event in the request was accepted. */
    record Acknowledged() implements BatchAnswer {
        public String cause() {
            return "200";
        }
    }

    /** The events may or may not have been ingested (5xx, timeout, reset): send them again, same insert_ids. */
    record Resend(String cause, Duration retryAfter) implements BatchAnswer {
    }

    /**
     * A 2xx that is not Amplitude's acknowledgement (an HTML page, JSON whose code is not 200): something else answered,
     * a proxy or a wrong endpoint, and nothing was acknowledged. Sent again like a 5xx; fatal if it persists.
     */
    record NotAmplitude(String what) implements BatchAnswer {
        public String cause() {
            return "answer not Amplitude's";
        }
    }

    /** 400 that lists events: dead-letter exactly those (index to reason), send the others again. */
    record RejectListed(Map<Integer, String> reasons) implements BatchAnswer {
        public String cause() {
            return "400 invalid events";
        }
    }

    /** 413: too many events or bytes in one request: send it again in halves. */
    record Split() implements BatchAnswer {
        public String cause() {
            return "413";
        }
    }

    /**
     * 429: some devices or users are over their rate (slow them down and wait) or their daily quota (pause
     * them); the request was refused whole, so the events of every other device are simply sent again.
     * {@code epsThreshold}: the rate Amplitude allows a device or user, as it said (0 when it did not).
     */
    record TooManyRequests(Set<String> throttledDevices, Set<String> throttledUsers,
                           Set<String> quotaDevices, Set<String> quotaUsers,
                           List<Integer> throttledEvents, Duration retryAfter,
                           double epsThreshold) implements BatchAnswer {
        public String cause() {
            return quotaDevices.isEmpty() && quotaUsers.isEmpty() ? "429 throttled" : "429 daily quota";
        }

        /** A 429 that names nobody: treat every device in the request as throttled. */
        public boolean namesNobody() {
            return throttledDevices.isEmpty() && throttledUsers.isEmpty() && quotaDevices.isEmpty()
                    && quotaUsers.isEmpty() && throttledEvents.isEmpty();
        }
    }

    /** Nothing can succeed until a person fixes something (API key, region, firewall): stop the run. */
    record Fatal(String message) implements BatchAnswer {
        public String cause() {
            return "fatal";
        }
    }
}

package io.ampfill.delivery;

import java.util.AbstractList;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Posts a request and the halves a 413 splits it into, first half first, and tells what became of each event: the
 * answers, classified ({@link AnswerClassifier}) and seen by the {@link EndpointWatch}. Runs on a sender thread,
 * outside the lanes' lock; it settles nothing itself.
 */
final class BatchSender {
    private final BatchPoster poster;
    private final RequestPacker packer;
    private final EndpointWatch endpoint;
    private final DeliveryListener listener;
    private final DeliveryClock clock;
    private final RequestConcurrency concurrency;

    BatchSender(BatchPoster poster, RequestPacker packer, RequestConcurrency concurrency, EndpointWatch endpoint,
                DeliveryListener listener, DeliveryClock clock) {
        this.poster = poster;
        this.concurrency = concurrency;
        this.packer = packer;
        this.endpoint = endpoint;
        this.listener = listener;
        this.clock = clock;
    }

    RequestOutcome send(Request request) {
        List<OutboundEvent> all = request.events;
        RequestOutcome outcome = new RequestOutcome(all.size());
        // parts are [from, to) ranges of the request; a 413 splits a range in two, first half first
        ArrayDeque<int[]> parts = new ArrayDeque<>();
        parts.push(new int[]{0, all.size()});
        while (!parts.isEmpty()) {
            int[] range = parts.pop();
            List<OutboundEvent> part = all.subList(range[0], range[1]);
            BatchAnswer answer = post(part, request.inFlightAtSend);
            if (answer instanceof BatchAnswer.Acknowledged) {
                listener.delivered(part.size());
                outcome.acknowledged(range[0], range[1]);
                continue;
            }
            if (answer instanceof BatchAnswer.Split) {
                listener.retry(answer.cause());
                if (part.size() == 1) {
                    outcome.refused(range[0], "Amplitude refused the event as too large (413 Payload too large)");
                } else {
                    int half = range[0] + part.size() / 2;
                    parts.push(new int[]{half, range[1]});
                    parts.push(new int[]{range[0], half});
                }
                continue;
            }
            if (answer instanceof BatchAnswer.RejectListed rejected) {
                rejected.reasons().forEach((index, reason) -> outcome.refused(range[0] + index, reason));
            }
            outcome.stoppedAt(answer, range[0], range[1]);
            break;
        }
        return outcome;
    }

    /** Posts a part of a request and tells the concurrency limit how its answer came back. */
    private BatchAnswer post(List<OutboundEvent> part, int inFlight) {
        long sentAt = clock.nanoTime();
        BatchAnswer answer = postAndClassify(part);
        concurrency.answered(sentAt, clock.nanoTime() - sentAt, inFlight, answer);
        return answer;
    }

    private BatchAnswer postAndClassify(List<OutboundEvent> part) {
        listener.requestSent(part.size());
        RequestBody body = packer.body(part);
        long sentAt = clock.nanoTime();
        HttpAnswer answer;
        try {
            answer = poster.post(body);
        } catch (Exception noAnswer) {
            listener.answered(0, clock.nanoTime() - sentAt);
            for (Throwable t = noAnswer; t != null; t = t.getCause()) {
                if (t instanceof OutOfMemoryError heapFull) {
                    throw heapFull; // Camel's wrapping of it is no answer to resend: the process's handler ends the run
                }
            }
            BatchAnswer failed = AnswerClassifier.classify(noAnswer);
            if (failed instanceof BatchAnswer.Resend) {
                endpoint.unanswered(failed.cause(), clock.nanoTime());
            }
            return failed;
        }
        listener.answered(answer.status(), clock.nanoTime() - sentAt);
        BatchAnswer classified = AnswerClassifier.classify(answer, new AbstractList<>() {
            @Override
            public String get(int index) {
                return part.get(index).deviceId();
            }

            @Override
            public int size() {
                return part.size();
            }
        }, clock.epochMillis());
        return endpoint.answered(classified, clock.nanoTime());
    }
}

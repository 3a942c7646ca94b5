package io.ampfill.delivery;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

/**
 * Fills a request from the ready lanes within amplitude.max-events-per-request and amplitude.max-request-bytes, each
 * lane's batch within its tokens and its batch size, and builds a request's body: the events' JSON as they are, between
 * a head and a tail made once ({@link RequestBody}). Not thread-safe for {@link #fill}: used under the lanes' lock; {@link #body} is.
 */
final class RequestPacker {
    /** Events a lane's queue holds before it grows: a lane that had more gets a new, small one when it empties. */
    static final int SMALL_QUEUE = 16;

    private final byte[] requestHead;
    private final byte[] requestTail;
    private final int maxEvents;
    /** What a request's events may take, by amplitude.max-request-bytes, once its head and tail are counted. */
    private final long eventBytesPerRequest;

    RequestPacker(String apiKey, int minIdLength, int maxEventsPerRequest, long maxRequestBytes) {
        this.requestHead = ("{\"api_key\":" + jsonString(apiKey) + ",\"events\":[").getBytes(StandardCharsets.UTF_8);
        this.requestTail = ("],\"options\":{\"min_id_length\":" + minIdLength + "}}").getBytes(StandardCharsets.UTF_8);
        this.maxEvents = maxEventsPerRequest;
        this.eventBytesPerRequest = maxRequestBytes - requestHead.length - requestTail.length;
    }

    /**
     * Whether this many ready events make a full request: by count, or by bytes at the events' average size (an
     * estimate is enough here, and it costs no walk over the events themselves).
     */
    boolean fillsARequest(long readyEvents, long averageBytes) {
        return readyEvents >= maxEvents || readyEvents * (averageBytes + 1) >= eventBytesPerRequest;
    }

    /**
     * Takes the ready lanes' batches, first in line first, until the request is full. A lane without the tokens for an
     * event goes to {@code notReady} (to wait for them); a lane whose batch the request took is in flight.
     */
    Request fill(ReadyLanes ready, long now, Consumer<Lane> notReady) {
        Request request = new Request();
        while (!ready.isEmpty() && request.size() < maxEvents) {
            Lane lane = ready.first();
            int counted = lane.sendable(); // its share of the ready events
            if (lane.queue.size() > SMALL_QUEUE) {
                lane.queueGrown = true; // a queue shrinks only here, so its size now is its largest since the last batch
            }
            int room = maxEvents - request.size();
            int allowed = lane.bucket.take(now, Math.min(Math.min(lane.queue.size(), room), lane.batchCap));
            if (allowed < 1) {
                ready.removeFirst(counted);
                notReady.accept(lane);
                continue;
            }
            lane.batchFrom = request.size();
            int taken = take(lane, allowed, request);
            if (taken == 0) {
                lane.bucket.refund(allowed);
                break; // the request is full by bytes; the lane stays first in line for the next one
            }
            lane.bucket.refund(allowed - taken);
            ready.removeFirst(counted);
            lane.state = Lane.State.IN_FLIGHT;
            lane.batchTo = request.size();
            request.lanes.add(lane);
            if (taken < allowed) {
                break;
            }
        }
        return request;
    }

    /** Moves up to {@code allowed} events from the head of the lane into the request, within its byte budget. */
    private int take(Lane lane, int allowed, Request request) {
        int taken = 0;
        while (taken < allowed) {
            OutboundEvent next = lane.queue.peekFirst();
            long size = next.json().length + 1L;
            if (request.bytes + size > eventBytesPerRequest && request.size() > 0) {
                break;
            }
            request.events.add(lane.queue.pollFirst());
            request.bytes += size;
            taken++;
        }
        return taken;
    }

    /** The body of a POST /batch carrying these events. */
    RequestBody body(List<OutboundEvent> part) {
        return new RequestBody(requestHead, part, requestTail);
    }

    private static String jsonString(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}

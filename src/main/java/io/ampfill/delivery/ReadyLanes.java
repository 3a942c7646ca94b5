package io.ampfill.delivery;

import java.util.ArrayDeque;

/**
 * The lanes that may send now, in the order they became ready, and the events they could send, each lane's capped at its
 * batch size: kept as lanes join and leave, so the dispatcher need not walk thousands of lanes (a cache miss each) every
 * time it wakes. Not thread-safe: used under the lanes' lock.
 */
final class ReadyLanes {
    private final ArrayDeque<Lane> lanes = new ArrayDeque<>();
    private long events;

    void add(Lane lane) {
        lanes.addLast(lane);
        events += lane.sendable();
    }

    /** An event joined a lane that is already in line: it counts if the lane's batch has room for it. */
    void grew(Lane lane) {
        if (lane.queue.size() <= lane.batchCap) {
            events++;
        }
    }

    /** Events of a lane in line were taken out (withdrawn): it counts for fewer. */
    void shrank(int events) {
        this.events -= events;
    }

    Lane first() {
        return lanes.peekFirst();
    }

    /** Takes the first lane out of line; {@code counted} is what it counted for (its {@link Lane#sendable()} before any was taken). */
    void removeFirst(int counted) {
        lanes.pollFirst();
        events -= counted;
    }

    boolean isEmpty() {
        return lanes.isEmpty();
    }

    long events() {
        return events;
    }
}

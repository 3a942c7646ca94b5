package io.ampfill.delivery;

import org.slf4j.LoggerFactory;

/** What delivery tells the rest of the run: dead letters to store, counts for the report, a fatal stop. */
public interface DeliveryListener {
    /** An event Amplitude will not take: store it with the reason before it is settled. */
    void deadLetter(OutboundEvent event, String reason);

    void requestSent(int events);

    /**
     * A request (or a part of it) was answered with this HTTP status (0: no answer: a timeout, a reset, a refused
     * connection) after this long on the wire. For metrics; the answer itself goes its own way.
     */
    default void answered(int status, long nanos) {
    }

    void delivered(int events);

    /** A request (or the part of it of some devices) goes out again; cause as in {@link BatchAnswer#cause()}. */
    void retry(String cause);

    /** Nothing more can be delivered: the message is one line, free of the API key. */
    void fatal(String message);

    /** Events of devices over their share of memory went to disk to wait (see {@link LaneSpill}). */
    void waitedOnDisk(int events);

    /** One line for the user about how delivery goes (pacing learned, an outage, devices paused), free of secrets. */
    default void notice(String line) {
        LoggerFactory.getLogger(DeviceLanes.class).info(line);
    }
}

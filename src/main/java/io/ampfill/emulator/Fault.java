package io.ampfill.emulator;

import java.time.Duration;
import java.util.Objects;

/** One scripted misbehaviour, replacing the emulator's normal answer to one /batch request. */
public final class Fault {

    enum Kind { STATUS, RESET, SLOW, INGEST_THEN_500, THROTTLE }

    private final Kind kind;
    private final int status;
    private final Duration delay;

    private Fault(Kind kind, int status, Duration delay) {
        this.kind = kind;
        this.status = status;
        this.delay = delay;
    }

    /** Answer this status with an Amplitude-like JSON body, ingesting nothing. */
    public static Fault status(int code) {
        if (code < 100 || code > 599) throw new IllegalArgumentException("not an HTTP status: " + code);
        return new Fault(Kind.STATUS, code, Duration.ZERO);
    }

    /** Drop the connection without any answer. */
    public static Fault reset() {
        return new Fault(Kind.RESET, 0, Duration.ZERO);
    }

    /** Wait, then handle the request normally. */
    public static Fault slow(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) throw new IllegalArgumentException("delay must be >= 0, was " + delay);
        return new Fault(Kind.SLOW, 0, delay);
    }

    /** Handle the request normally; if it was accepted, answer 500 anyway, so the client cannot know it landed. */
    public static Fault ingestThen500() {
        return new Fault(Kind.INGEST_THEN_500, 0, Duration.ZERO);
    }

    /** Answer a 429 throttle naming every device (or user, for events without a device) in the request. */
    public static Fault throttle() {
        return new Fault(Kind.THROTTLE, 429, Duration.ZERO);
    }

    Kind kind() { return kind; }

    int status() { return status; }

    Duration delay() { return delay; }

    @Override
    public String toString() {
        switch (kind) {
            case STATUS: return "Fault.status(" + status + ")";
            case SLOW: return "Fault.slow(" + delay + ")";
            case RESET: return "Fault.reset()";
            case INGEST_THEN_500: return "Fault.ingestThen500()";
            default: return "Fault.throttle()";
        }
    }
}

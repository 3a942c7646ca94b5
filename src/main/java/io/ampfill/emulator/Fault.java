package io.ampfill.emulator;

import java.time.Duration;
import java.util.Objects;

/** One scripted misbehaviour, replacing the emulator's normal answer to one /batch request. */
public final class Fault {

    enum Kind { STATUS, RESET, SLOW, INGEST_THEN_500, THROTTLE, FOREIGN_200 }

    private final Kind kind;
    private final int status;
    private final Duration delay;
    /** What a FOREIGN_200 answers: its content type and body. */
    private final String contentType;
    private final String body;

    private Fault(Kind kind, int status, Duration delay) {
        this(kind, status, delay, null, null);
    }

    private Fault(Kind kind, int status, Duration delay, String contentType, String body) {
        this.kind = kind;
        this.status = status;
        this.delay = delay;
        this.contentType = contentType;
        this.body = body;
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

    /**
     * Answer 200 with an HTML page, ingesting nothing: what a proxy's login or error page, or a web server at a wrong
     * endpoint, answers. A 200 that is not Amplitude's acknowledgement.
     */
    public static Fault htmlPage() {
        return new Fault(Kind.FOREIGN_200, 200, Duration.ZERO, "text/html; charset=utf-8",
                "<!DOCTYPE html>\n<html><head><title>Sign in to continue</title></head>\n"
                        + "<body><form action=\"/login\" method=\"post\"></form></body></html>\n");
    }

    /** Answer 200 with JSON whose {@code code} is the given one, ingesting nothing: a 200 Amplitude would not give. */
    public static Fault jsonCode(int code) {
        return new Fault(Kind.FOREIGN_200, 200, Duration.ZERO, "application/json",
                "{\"code\":" + code + ",\"error\":\"Internal Server Error\"}");
    }

    Kind kind() { return kind; }

    String contentType() { return contentType; }

    String body() { return body; }

    int status() { return status; }

    Duration delay() { return delay; }

    @Override
    public String toString() {
        switch (kind) {
            case STATUS: return "Fault.status(" + status + ")";
            case SLOW: return "Fault.slow(" + delay + ")";
            case RESET: return "Fault.reset()";
            case INGEST_THEN_500: return "Fault.ingestThen500()";
            case FOREIGN_200: return "Fault.foreign200(" + contentType + ")";
            default: return "Fault.throttle()";
        }
    }
}

package io.ampfill.source;

import java.io.IOException;

/**
 * The bytes of a file cannot be read on from this point (a truncated or corrupt gzip stream, bytes that are not
 * UTF-8). Readers turn it into one error record, so that a damaged file costs its tail, not the run.
 */
final class UnreadableInputException extends IOException {
    private static final long serialVersionUID = 1L;

    static final String REASON = "file unreadable from here on: ";

    private final String reason;

    UnreadableInputException(IOException cause) {
        super(cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName(), cause);
        this.reason = REASON + getMessage();
    }

    /** With the whole reason, when it is not the stream's failure: "not valid UTF-8 from here on: ...". */
    UnreadableInputException(String reason) {
        super(reason);
        this.reason = reason;
    }

    String reason() {
        return reason;
    }
}

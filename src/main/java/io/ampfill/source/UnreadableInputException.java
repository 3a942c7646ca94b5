package io.ampfill.source;

import java.io.IOException;

/**
 * The bytes of a file cannot be read on from this point (a truncated or corrupt gzip stream). Readers turn it
 * into one error record, so that a damaged file costs its tail, not the run.
 */
final class UnreadableInputException extends IOException {
    private static final long serialVersionUID = 1L;

    UnreadableInputException(IOException cause) {
        super(cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName(), cause);
    }

    static final String REASON = "file unreadable from here on: ";

    String reason() {
        return REASON + getMessage();
    }
}

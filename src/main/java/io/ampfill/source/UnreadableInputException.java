package io.ampfill.source;

import java.io.EOFException;
import java.io.IOException;
import java.util.zip.ZipException;

/**
 * The bytes of a file cannot be read on from this point (a truncated or corrupt gzip stream, bytes that are not
 * UTF-8). Readers turn it into one error record, so that a damaged file costs its tail, not the run.
 */
final class UnreadableInputException extends IOException {
    private static final long serialVersionUID = 1L;

    static final String REASON = "file unreadable from here on: ";

    private final String reason;

    UnreadableInputException(IOException cause) {
        super(words(cause), cause);
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

    /** The gzip stream's failure as its user would say it, not as zlib does ("invalid stored block lengths"). */
    private static String words(IOException cause) {
        if (cause instanceof EOFException) {
            return "the gzip data ends early (the file is cut short)";
        }
        if ("Not in GZIP format".equals(cause.getMessage())) {
            return "not gzip data, though the file's name ends in .gz";
        }
        if (cause instanceof ZipException) {
            return "the gzip data is damaged";
        }
        return cause.getMessage() != null ? cause.getMessage() : "unreadable";
    }
}

package io.ampfill.source;

/**
 * This run cannot have its source to itself: another run reads it, or the lock that says so cannot be taken. The
 * message is the one line the user reads, saying what to do; the run stops before reading anything (exit code 2).
 */
public final class SourceLockException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SourceLockException(String message) {
        super(message);
    }
}

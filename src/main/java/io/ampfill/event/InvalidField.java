package io.ampfill.event;

/**
 * Thrown inside the mapper when a field's value cannot be used; map() turns it into a {@link Rejection}.
 * Without a stack trace: it is bad data, not a bug, and cheap to throw.
 */
final class InvalidField extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient Rejection rejection;

    InvalidField(String field, String reason) {
        super(reason, null, false, false);
        this.rejection = new Rejection(field, reason);
    }
}

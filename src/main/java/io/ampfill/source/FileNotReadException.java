package io.ampfill.source;

/**
 * A file of the inbox could not be opened: it was told why in its own line ({@link FilesNotRead}); the exchange fails
 * so that the file stays in the inbox, and the route goes on with the next one.
 */
public final class FileNotReadException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    // no cause: Camel matches onException against the innermost cause, which would be an IOException
    public FileNotReadException(String name) {
        super(name + " is not read", null, false, false);
    }
}

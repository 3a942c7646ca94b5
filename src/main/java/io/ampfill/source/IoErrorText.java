package io.ampfill.source;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/** A file error as a user reads it: "permission denied", not "java.nio.file.AccessDeniedException: /data/inbox/x.json". */
public final class IoErrorText {

    private IoErrorText() {
    }

    public static String of(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "it is gone (moved or deleted meanwhile)";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason(); // the system's own words: "Too many levels of symbolic links", "Input/output error"
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}

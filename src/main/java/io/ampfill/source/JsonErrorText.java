package io.ampfill.source;

import com.fasterxml.jackson.core.JacksonException;

/** Jackson's parse error as one short line for a dead-letter reason: the location is the record's line already. */
final class JsonErrorText {

    private JsonErrorText() {
    }

    static String of(JacksonException e) {
        String message = e.getOriginalMessage();
        if (message == null || message.isBlank()) {
            return e.getClass().getSimpleName();
        }
        message = cutAt(message, "\n");
        message = cutAt(message, " (start marker at ");
        message = cutAt(message, " at [Source");
        return message.strip();
    }

    private static String cutAt(String message, String marker) {
        int at = message.indexOf(marker);
        return at >= 0 ? message.substring(0, at) : message;
    }
}

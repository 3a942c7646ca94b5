package io.ampfill.source;

import io.ampfill.report.RunReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The files of the inbox this run cannot read: each is told once, in one line naming it and why, and counted in the
 * report (the run then ends with exit code 1); the other files go on. It stays in the inbox for the next run.
 */
public final class FilesNotRead {
    private static final Logger LOG = LoggerFactory.getLogger(FilesNotRead.class);

    private final String inbox;
    private final RunReport report;
    private final Set<String> told = ConcurrentHashMap.newKeySet();
    private final Set<String> refused = ConcurrentHashMap.newKeySet();

    /** @param inbox the inbox as the user named it, to name its files by */
    public FilesNotRead(String inbox, RunReport report) {
        this.inbox = inbox;
        this.report = report;
    }

    /** A file this run will not take again: it would fail the same way at every poll. */
    public void refuse(String name, String reason) {
        refused.add(name);
        tell(name, reason);
    }

    /** A file not read this time (gone, say): taken if it is there, readable, at a later poll. */
    public void tell(String name, String reason) {
        if (told.add(name)) {
            LOG.warn("{} is not read: {}", printable(inbox + "/" + name), reason);
            report.fileNotRead();
        }
    }

    public boolean refused(String name) {
        return refused.contains(name);
    }

    /**
     * The name on one line: control characters (a newline is allowed in a file name) as escapes, and bytes that are
     * not UTF-8, which Java reads as U+FFFD, as ? (ls shows them so).
     */
    static String printable(String name) {
        StringBuilder out = new StringBuilder(name.length() + 8);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\uFFFD' -> out.append('?');
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\x%02x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}

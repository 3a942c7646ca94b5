package io.ampfill.source;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Looks at every entry of the inbox, as Camel's file consumer does not: it passes over folders, and files whose name
 * does not decode, without a word. At the start it says in one line how many entries are ignored and why, and tells
 * each entry named like an input file that cannot be read (a folder named x.json, say); later, when the inbox looks
 * idle, it tells such entries that came since.
 */
public final class InboxScan {
    private static final Logger LOG = LoggerFactory.getLogger(InboxScan.class);
    private static final int EXAMPLES = 3;

    private final Path inbox;
    private final String shownAs;
    private final FilesNotRead notRead;
    /** The names of the last look: a later one checks only the entries that came since. */
    private Set<String> seen = Set.of();

    /** @param shownAs the inbox as the user named it */
    public InboxScan(Path inbox, String shownAs, FilesNotRead notRead) {
        this.inbox = inbox;
        this.shownAs = shownAs;
        this.notRead = notRead;
    }

    /** At the start: tells the entries that cannot be read, and how many are ignored; returns every entry's name. */
    public Set<String> atStart() {
        List<String> ignored = new ArrayList<>();
        look(ignored);
        if (!ignored.isEmpty()) {
            ignored.sort(null);
            LOG.info("{}: {} {} ignored: {}{} (ampfill reads .json, .ndjson, .jsonl and .csv files, each also as .gz,"
                            + " whose names do not start with a dot)", FilesNotRead.printable(shownAs), ignored.size(),
                    ignored.size() == 1 ? "entry" : "entries", String.join(", ", ignored.subList(0, Math.min(EXAMPLES, ignored.size()))),
                    ignored.size() > EXAMPLES ? ", ..." : "");
        }
        return seen;
    }

    /** The names of every entry of the last look ({@link #atStart()}'s, until the inbox looks idle). */
    public Set<String> seen() {
        return seen;
    }

    /** When the inbox looks idle: tells the entries that came since the last look and cannot be read. */
    public void again() {
        look(null);
    }

    private void look(List<String> ignored) {
        if (!Files.isDirectory(inbox)) {
            return;
        }
        Set<String> names = new HashSet<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(inbox)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                names.add(name);
                if (seen.contains(name) || name.equals(InboxLock.FILE_NAME)) {
                    continue;
                }
                if (name.startsWith(".") || !RecordReaders.supports(name)) {
                    // Camel's consumer passes over names starting with a dot: files being copied in, by convention
                    if (ignored != null) {
                        ignored.add(FilesNotRead.printable(name) + (Files.isDirectory(entry) ? "/" : ""));
                    }
                    continue;
                }
                // the path Camel will read: made from the name as decoded, which for bytes that are not UTF-8 is another
                String problem = InboxEntry.of(inbox.resolve(name), name).problem();
                if (problem != null) {
                    notRead.refuse(name, problem);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the inbox " + shownAs + ": " + IoErrorText.of(e), e);
        }
        seen = names;
    }
}

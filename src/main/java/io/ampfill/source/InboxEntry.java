package io.ampfill.source;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A file of the inbox named like an input file, as ampfill can read it: its attributes, or why it cannot be read.
 * The path is the one Camel and the readers use, made from the name as Java decoded it.
 *
 * @param problem null when it is a regular file that can be read
 * @param gone    no longer there (problem is null then too): moved or deleted since it was listed
 */
public record InboxEntry(BasicFileAttributes attributes, String problem, boolean gone) {
    static final String FOLDER = "it is a folder, not a file (ampfill reads the files of the inbox, not of its folders)";
    static final String NOT_A_FILE = "it is not a regular file but a pipe, a socket or a device";
    static final String NAME_NOT_UTF8 = "its name holds bytes that are not UTF-8 (shown as ?), so Java cannot open it;"
            + " rename it";
    static final String LINK_TO_NOTHING = "it is a link to a file that does not exist";

    public static InboxEntry of(Path path, String name) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            if (attributes.isDirectory()) {
                return new InboxEntry(null, FOLDER, false);
            }
            return new InboxEntry(attributes, attributes.isRegularFile() ? null : NOT_A_FILE, false);
        } catch (NoSuchFileException missing) {
            if (name.indexOf('\uFFFD') >= 0) {
                // listed, but the name Java decoded (with U+FFFD for what is not UTF-8) is not the one on disk
                return new InboxEntry(null, NAME_NOT_UTF8, false);
            }
            return Files.isSymbolicLink(path) ? new InboxEntry(null, LINK_TO_NOTHING, false) : new InboxEntry(null, null, true);
        } catch (IOException e) {
            return new InboxEntry(null, IoErrorText.of(e), false);
        }
    }
}

package io.ampfill.cli;

import io.ampfill.setting.BadSettingException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;

/**
 * The folders ampfill reads and writes, compared as the filesystem sees them (symlinks and {@code ..} resolved) before
 * anything starts: a pair that would destroy input or mix ampfill's own files into it is refused with one line naming
 * both settings. Pairs that do no harm are allowed: the inbox is read without its subfolders, so a done or dead-letter
 * folder inside it is never read back.
 */
final class FolderSettings {
    private static final Setting<String> INBOX = Setting.INBOX;
    private static final Setting<String> DONE = Setting.DONE_DIR;
    private static final Setting<String> DEAD_LETTER = Setting.DEAD_LETTER_DIR;
    private static final Setting<String> SPILL = Setting.SPILL_DIR;
    private static final Setting<String> STATE = Setting.STATE_URL;

    private FolderSettings() {
    }

    static void check(Settings settings) {
        boolean files = settings.get(Setting.SOURCE).equals("file");
        Path deadLetter = folder(settings, DEAD_LETTER);
        Path spill = folder(settings, SPILL);
        if (files) {
            Path inbox = folder(settings, INBOX);
            Path done = folder(settings, DONE);
            refuseSame(DONE, done, INBOX, inbox, "a finished file would be moved onto itself, which deletes it");
            refuseSame(DEAD_LETTER, deadLetter, INBOX, inbox, "ampfill would read its own dead letters as input");
            refuseSame(DEAD_LETTER, deadLetter, DONE, done,
                    "a dead-letter file and a finished input file of the same name would overwrite each other");
            refuseWithin(spill, INBOX, inbox);
            refuseWithin(spill, DONE, done);
        }
        refuseWithin(spill, DEAD_LETTER, deadLetter);
        Path stateFile = embeddedStateFile(settings.get(STATE));
        if (stateFile != null) {
            refuseWithin(spill, STATE, stateFile);
        }
    }

    /** The folder a setting names, as the filesystem sees it; refused when it is a file. */
    private static Path folder(Settings settings, Setting<String> setting) {
        Path folder = asTheFilesystemSeesIt(setting, path(setting, settings.get(setting)));
        if (Files.exists(folder) && !Files.isDirectory(folder)) {
            throw new BadSettingException(setting.name(), "is a file, not a folder (" + folder + ")");
        }
        return folder;
    }

    private static void refuseSame(Setting<?> setting, Path folder, Setting<?> other, Path otherFolder, String harm) {
        if (folder.equals(otherFolder)) {
            throw new BadSettingException(setting.name(), "is the same folder as " + other + " (" + folder + "): " + harm);
        }
    }

    /** The spill folder is ampfill's own, emptied at every start: nothing of the user's may be in it. */
    private static void refuseWithin(Path spill, Setting<?> other, Path otherPath) {
        if (otherPath.startsWith(spill)) {
            throw new BadSettingException(SPILL.name(), (otherPath.equals(spill) ? "is the same folder as " : "holds ")
                    + other + " (" + otherPath + "): the spill folder is ampfill's own and is emptied at every start");
        }
    }

    /**
     * The absolute path with every part that exists resolved as the operating system would (symlinks, {@code ..} after
     * a symlink), and the parts that do not exist yet, which cannot be links, appended as written and normalized.
     */
    static Path asTheFilesystemSeesIt(Setting<?> setting, Path path) {
        Path existing = path.toAbsolutePath();
        Deque<Path> missing = new ArrayDeque<>();
        while (existing.getParent() != null && !Files.exists(existing)) {
            missing.push(existing.getFileName());
            existing = existing.getParent();
        }
        Path resolved;
        try {
            resolved = existing.toRealPath();
        } catch (IOException e) {
            throw new BadSettingException(setting.name(), "cannot look at " + existing + ": " + e.getMessage());
        }
        for (Path name : missing) {
            resolved = resolved.resolve(name);
        }
        return resolved.normalize();
    }

    /** The file an embedded H2 state store keeps its data in (its name without H2's suffixes), or null for a server. */
    static Path embeddedStateFile(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("jdbc:h2:")) {
            return null;
        }
        String path = url.substring("jdbc:h2:".length());
        int options = path.indexOf(';');
        path = options < 0 ? path : path.substring(0, options);
        if (path.toLowerCase(Locale.ROOT).startsWith("file:")) {
            path = path.substring("file:".length());
        } else if (path.matches("(?i)[a-z]{2,}:.*")) {
            return null; // mem:, tcp:, ssl:, zip:...: in memory, on a server, or in a storage of H2's own
        }
        if (path.startsWith("~")) {
            path = System.getProperty("user.home") + path.substring(1);
        }
        return path.isEmpty() ? null : asTheFilesystemSeesIt(STATE, path(STATE, path));
    }

    private static Path path(Setting<?> setting, String text) {
        try {
            return Path.of(text);
        } catch (java.nio.file.InvalidPathException e) {
            throw new BadSettingException(setting.name(), "is not a path here: " + e.getReason());
        }
    }
}

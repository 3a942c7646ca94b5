package io.ampfill.source;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * The folder a file of the inbox moves to once every event in it is delivered or dead-lettered. A file never
 * replaces one already there: a second file dropped under a name the folder holds is kept beside it as
 * {@code name-2.ext}, then {@code name-3.ext}, and so on.
 */
public final class DoneFolder {
    private final Path dir;

    public DoneFolder(Path dir) {
        this.dir = dir;
    }

    /** Moves the file here under its own name, or the first numbered one no file here has; returns where it went. */
    public Path archive(Path file) throws IOException {
        Files.createDirectories(dir);
        String name = file.getFileName().toString();
        for (int copy = 1; ; copy++) {
            Path target = dir.resolve(copy == 1 ? name : numbered(name, copy));
            try {
                // claims the name: creating a file that does not exist yet is atomic, even against another process
                Files.createFile(target);
            } catch (FileAlreadyExistsException taken) {
                continue;
            }
            try {
                moveOver(file, target);
            } catch (IOException failed) {
                Files.deleteIfExists(target);
                throw failed;
            }
            return target;
        }
    }

    /** Replaces the empty file that claimed the name; across file systems the move is a copy, then a delete. */
    private static void moveOver(Path file, Path claimed) throws IOException {
        try {
            Files.move(file, claimed, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException otherFileSystem) {
            Files.move(file, claimed, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** events.ndjson.gz, 2: events-2.ndjson.gz (the number goes before the extension, and before .gz its own) */
    static String numbered(String name, int copy) {
        int end = name.length();
        if (name.toLowerCase(Locale.ROOT).endsWith(".gz")) {
            end -= 3;
        }
        int dot = name.lastIndexOf('.', end - 1);
        int at = dot > 0 ? dot : end;
        return name.substring(0, at) + "-" + copy + name.substring(at);
    }
}

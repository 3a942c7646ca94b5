package io.ampfill.e2e;

import io.ampfill.cli.AmpfillApp;
import io.ampfill.emulator.AmplitudeEmulator;
import io.ampfill.emulator.EmulatorSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static io.ampfill.e2e.Events.ndjsonLine;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Folders that overlap: a pair that would destroy input or have ampfill read its own output is refused before anything
 * is read (exit 2, one line naming both settings), however it is spelt (the same text, {@code ..}, a symlink); a pair
 * that does no harm runs, and the harm it could do is checked not to happen.
 */
class FolderOverlapTest {
    private static final String INPUT = ndjsonLine(0, 0) + "\n"
            + "{\"event_type\":\"Played Song\",\"device_id\":\"null\",\"time\":1700000000000}\n";

    @TempDir
    Path work;
    AmplitudeEmulator emulator;

    @BeforeEach
    void startEmulator() {
        emulator = AmplitudeEmulator.start(new EmulatorSettings());
    }

    @AfterEach
    void stopEmulator() {
        emulator.close();
    }

    /** Each sets the folders of a run in {@code work} and returns the setting its line starts with and the other it names. */
    interface Overlap {
        String[] set(Backfill backfill, Path work) throws IOException;
    }

    static Stream<Arguments> harmfulOverlaps() {
        return Stream.of(
                overlap("done = inbox", (b, w) -> refused(b, "backfill.done-dir", b.inbox, "backfill.inbox")),
                overlap("done = inbox, by ..", (b, w) -> refused(b, "backfill.done-dir", b.inbox.resolve("../inbox"), "backfill.inbox")),
                overlap("done = inbox, by a symlink", (b, w) -> refused(b, "backfill.done-dir",
                        Files.createSymbolicLink(w.resolve("link-to-inbox"), b.inbox), "backfill.inbox")),
                overlap("dead letters = inbox", (b, w) -> refused(b, "backfill.dead-letter-dir", b.inbox, "backfill.inbox")),
                overlap("dead letters = inbox, by a symlinked parent", (b, w) -> refused(b, "backfill.dead-letter-dir",
                        Files.createSymbolicLink(w.resolve("alias"), w).resolve("inbox"), "backfill.inbox")),
                overlap("dead letters = done", (b, w) -> refused(b, "backfill.dead-letter-dir", b.done, "backfill.done-dir")),
                overlap("spill = inbox", (b, w) -> refused(b, "backfill.spill-dir", b.inbox, "backfill.inbox")),
                overlap("spill holds the inbox", (b, w) -> refused(b, "backfill.spill-dir", w, "backfill.inbox")),
                overlap("spill = done", (b, w) -> refused(b, "backfill.spill-dir", b.done, "backfill.done-dir")),
                overlap("spill holds the dead letters", (b, w) -> refused(b.set("backfill.dead-letter-dir",
                        w.resolve("spill/rejected").toString()), "backfill.spill-dir", w.resolve("spill"), "backfill.dead-letter-dir")),
                overlap("spill holds the state file", (b, w) -> refused(b, "backfill.spill-dir", w.resolve("state"), "backfill.state.url")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("harmfulOverlaps")
    void refuses_a_pair_that_would_destroy_input_or_read_ampfills_own_files(String name, Overlap overlap) throws IOException {
        Backfill backfill = new Backfill(work, emulator);
        backfill.drop("events.ndjson", INPUT);
        String[] expected = overlap.set(backfill, work);

        assertThat(backfill.run()).as(backfill.err).isEqualTo(AmpfillApp.BAD_SETTINGS);
        assertThat(backfill.err.lines().toList()).singleElement().asString()
                .startsWith("ampfill: " + expected[0] + ": ").contains(expected[1]);
        assertThat(Files.readString(backfill.inbox.resolve("events.ndjson"))).isEqualTo(INPUT);
        assertThat(emulator.requestCount()).isZero();
    }

    @Test
    void refuses_an_inbox_that_is_a_file() throws IOException {
        Backfill backfill = new Backfill(work, emulator);
        Path file = backfill.drop("events.ndjson", INPUT);
        backfill.set("backfill.inbox", file.toString());

        assertThat(backfill.run()).isEqualTo(AmpfillApp.BAD_SETTINGS);
        assertThat(backfill.err.lines().toList()).singleElement().asString()
                .startsWith("ampfill: backfill.inbox: is a file, not a folder");
    }

    @Test
    void done_and_dead_letter_folders_inside_the_inbox_are_not_read_back() throws IOException {
        Backfill backfill = new Backfill(work, emulator);
        backfill.set("backfill.done-dir", backfill.inbox.resolve("done").toString())
                .set("backfill.dead-letter-dir", backfill.inbox.resolve("rejected").toString())
                .set("backfill.spill-dir", backfill.inbox.resolve("spill").toString())
                .set("backfill.state.url", "jdbc:h2:file:" + backfill.inbox.resolve("ampfill").toAbsolutePath());
        backfill.drop("events.ndjson", INPUT);

        assertThat(backfill.run()).as(backfill.err).isZero();
        assertThat(backfill.run()).as("a second run over the same folders%n" + backfill.err).isZero();

        assertThat(backfill.report.recordsRead()).as("records read by the second run").isZero();
        assertThat(emulator.ingestedCount()).isEqualTo(1);
        assertThat(Files.readAllLines(backfill.inbox.resolve("rejected/events.ndjson.rejected.ndjson"))).hasSize(1);
        assertThat(backfill.inbox.resolve("done/events.ndjson")).exists();
    }

    @Test
    void an_inbox_inside_the_done_folder_is_read_once() throws IOException {
        Backfill backfill = new Backfill(work, emulator);
        backfill.set("backfill.inbox", backfill.done.resolve("inbox").toString());
        Files.createDirectories(backfill.done.resolve("inbox"));
        Files.writeString(backfill.done.resolve("inbox/events.ndjson"), INPUT);
        Files.setLastModifiedTime(backfill.done.resolve("inbox/events.ndjson"),
                java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 60_000));

        assertThat(backfill.run()).as(backfill.err).isZero();

        assertThat(emulator.ingestedCount()).isEqualTo(1);
        assertThat(Files.readString(backfill.done.resolve("events.ndjson"))).isEqualTo(INPUT);
    }

    private static Arguments overlap(String name, Overlap overlap) {
        return Arguments.of(name, overlap);
    }

    private static String[] refused(Backfill backfill, String setting, Path folder, String other) {
        backfill.set(setting, folder.toString());
        return new String[]{setting, other};
    }
}

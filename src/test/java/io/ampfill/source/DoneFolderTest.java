package io.ampfill.source;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The done folder keeps every file it is given, whatever its name. */
class DoneFolderTest {
    @TempDir
    Path work;

    @Test
    void keeps_files_dropped_under_an_archived_name_beside_the_first() throws IOException {
        DoneFolder done = new DoneFolder(work.resolve("done"));
        Path inbox = Files.createDirectories(work.resolve("inbox"));

        for (String content : new String[] {"first export", "second export", "third export"}) {
            done.archive(Files.writeString(inbox.resolve("events.ndjson.gz"), content));
        }

        assertThat(inbox).isEmptyDirectory();
        assertThat(work.resolve("done/events.ndjson.gz")).hasContent("first export");
        assertThat(work.resolve("done/events-2.ndjson.gz")).hasContent("second export");
        assertThat(work.resolve("done/events-3.ndjson.gz")).hasContent("third export");
    }

    @Test
    void the_number_goes_before_the_extension() {
        assertThat(DoneFolder.numbered("hour-05.json", 2)).isEqualTo("hour-05-2.json");
        assertThat(DoneFolder.numbered("2024.03.01.CSV.GZ", 3)).isEqualTo("2024.03.01-3.CSV.GZ");
        assertThat(DoneFolder.numbered("export", 2)).isEqualTo("export-2");
        assertThat(DoneFolder.numbered("export.gz", 2)).isEqualTo("export-2.gz");
    }
}

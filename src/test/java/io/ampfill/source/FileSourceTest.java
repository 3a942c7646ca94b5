package io.ampfill.source;

import io.ampfill.ledger.AckLedger;
import io.ampfill.ledger.CheckpointStore;
import io.ampfill.report.RunReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A file the route takes but cannot open is named with the reason, and fails alone. */
class FileSourceTest {
    @TempDir
    Path inbox;

    @Test
    void a_file_gone_between_its_listing_and_its_opening_is_named_and_fails_alone() throws Exception {
        RunReport report = new RunReport();
        AckLedger ledger = new AckLedger();
        FileSource source = new FileSource(ledger, CheckpointStore.NONE, 100, () -> false,
                new FilesNotRead("inbox", report), report);
        assertThatThrownBy(() -> source.open(inbox.resolve("hour-00.ndjson"), "hour-00.ndjson", "0@0"))
                .isInstanceOf(FileNotReadException.class);

        assertThat(report.filesNotRead()).isEqualTo(1);
        assertThat(ledger.awaitNoneOpen(java.time.Duration.ZERO)).as("no unit left open to wait for").isTrue();
    }
}

package io.ampfill.camel;

import io.ampfill.source.FilesNotRead;
import io.ampfill.report.RunReport;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.component.file.FileConsumer;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** When a file of the inbox is taken, on a clock the test moves: never while it is written, never before an earlier name. */
class InboxReadLockTest {
    private static CamelContext camel;

    @TempDir
    Path inbox;
    long now = 1_800_000_000_000L;
    final RunReport report = new RunReport();
    final InboxReadLock lock = new InboxReadLock(Duration.ofSeconds(2), () -> now, new FilesNotRead("inbox", report));

    @BeforeAll
    static void camel() {
        camel = new DefaultCamelContext();
    }

    @AfterAll
    static void close() throws Exception {
        camel.close();
    }

    @Test
    void takes_every_file_unchanged_for_the_min_age_in_one_poll() throws IOException {
        write("hour-00.ndjson", now - 5_000);
        write("hour-01.ndjson", now - 2_000);

        assertThat(poll("hour-00.ndjson", "hour-01.ndjson")).containsExactly("hour-00.ndjson", "hour-01.ndjson");
        assertThat(lock.noneWaiting()).isTrue();
    }

    @Test
    void a_file_still_being_written_holds_back_the_files_named_after_it() throws IOException {
        write("hour-00.ndjson", now - 60_000);
        write("hour-01.ndjson", now - 500);
        write("hour-02.ndjson", now - 60_000);

        assertThat(poll("hour-00.ndjson", "hour-01.ndjson", "hour-02.ndjson")).containsExactly("hour-00.ndjson");
        assertThat(lock.noneWaiting()).as("a run-once must wait for hour-01").isFalse();

        now += 1_000;
        assertThat(poll("hour-01.ndjson", "hour-02.ndjson")).isEmpty();

        now += 600;
        assertThat(poll("hour-01.ndjson", "hour-02.ndjson")).containsExactly("hour-01.ndjson", "hour-02.ndjson");
        assertThat(lock.noneWaiting()).isTrue();
    }

    @Test
    void a_file_written_again_while_it_waits_waits_again() throws IOException {
        write("hour-00.ndjson", now - 1_000);
        assertThat(poll("hour-00.ndjson")).isEmpty();

        now += 1_500;
        write("hour-00.ndjson", now);
        now += 1_500;
        assertThat(poll("hour-00.ndjson")).isEmpty();

        now += 500;
        assertThat(poll("hour-00.ndjson")).containsExactly("hour-00.ndjson");
    }

    @Test
    void a_file_dated_in_the_future_is_taken_once_unchanged_for_the_min_age() throws IOException {
        // a copy that kept the time of a machine whose clock is ahead: waiting for that time to pass could take years
        write("export.json", now + Duration.ofDays(365).toMillis());

        assertThat(poll("export.json")).isEmpty();
        now += 1_999;
        assertThat(poll("export.json")).isEmpty();
        now += 1;
        assertThat(poll("export.json")).containsExactly("export.json");
    }

    @Test
    void a_waiting_file_that_is_removed_no_longer_keeps_a_run_waiting() throws IOException {
        Path file = write("hour-00.ndjson", now);
        assertThat(poll("hour-00.ndjson")).isEmpty();
        assertThat(lock.noneWaiting()).isFalse();

        Files.delete(file);

        assertThat(lock.noneWaiting()).isTrue();
    }

    @Test
    void at_a_min_age_of_zero_a_file_is_taken_at_once() throws IOException {
        InboxReadLock atOnce = new InboxReadLock(Duration.ZERO, () -> now, new FilesNotRead("inbox", report));
        write("hour-00.ndjson", now);

        assertThat(atOnce.acquireExclusiveReadLock(null, genericFile("hour-00.ndjson"), exchange(0))).isTrue();
    }

    @Test
    void a_folder_named_like_an_input_file_is_told_once_and_holds_back_nothing() throws IOException {
        Files.createDirectory(inbox.resolve("hour-00.ndjson"));
        write("hour-01.ndjson", now - 60_000);

        assertThat(poll("hour-00.ndjson", "hour-01.ndjson")).containsExactly("hour-01.ndjson");
        assertThat(poll("hour-00.ndjson")).isEmpty();
        assertThat(report.filesNotRead()).isEqualTo(1);
    }

    @Test
    void a_file_gone_since_it_was_listed_is_told_unless_this_run_moved_it_to_done() throws IOException {
        Files.delete(write("deleted.ndjson", now - 60_000));
        Files.delete(write("completed.ndjson", now - 60_000));
        lock.archived("completed.ndjson");

        assertThat(poll("completed.ndjson", "deleted.ndjson")).isEmpty();

        assertThat(report.filesNotRead()).as("only deleted.ndjson is told").isEqualTo(1);
    }

    /** One poll of Camel's file consumer over these files, in this order: the ones the lock lets it take. */
    private List<String> poll(String... names) {
        List<String> taken = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            if (lock.acquireExclusiveReadLock(null, genericFile(names[i]), exchange(i))) {
                taken.add(names[i]);
            }
        }
        return taken;
    }

    private Exchange exchange(int batchIndex) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.setProperty(ExchangePropertyKey.BATCH_INDEX, batchIndex);
        return exchange;
    }

    private GenericFile<File> genericFile(String name) {
        return FileConsumer.asGenericFile(inbox.toString(), inbox.resolve(name).toFile(), null, false);
    }

    private Path write(String name, long modifiedAt) throws IOException {
        Path file = inbox.resolve(name);
        Files.writeString(file, "{}\n".repeat((int) (modifiedAt % 7) + 1));
        Files.setLastModifiedTime(file, FileTime.fromMillis(modifiedAt));
        return file;
    }
}

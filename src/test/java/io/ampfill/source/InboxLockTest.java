package io.ampfill.source;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One run at a time on an inbox, two runs in one JVM included. */
class InboxLockTest {
    @TempDir
    Path work;

    @Test
    void a_second_run_on_the_inbox_is_refused_with_what_to_do_until_the_first_releases_it() {
        Path inbox = work.resolve("inbox");
        try (InboxLock first = InboxLock.take(inbox, "data/inbox")) {
            assertThatThrownBy(() -> InboxLock.take(inbox, "data/inbox"))
                    .isInstanceOf(SourceLockException.class)
                    .hasMessageStartingWith("another ampfill run is reading the inbox data/inbox (process " + ProcessHandle.current().pid())
                    .hasMessageContaining("let it finish or stop it");
            // the same inbox by another path
            assertThatThrownBy(() -> InboxLock.take(work.resolve("./inbox/../inbox"), "./inbox/../inbox"))
                    .isInstanceOf(SourceLockException.class);
        }

        InboxLock.take(inbox, "data/inbox").close();
        assertThat(inbox.resolve(InboxLock.FILE_NAME)).exists();
    }

    @Test
    void runs_on_other_inboxes_go_on_side_by_side() {
        try (InboxLock a = InboxLock.take(work.resolve("a"), "a"); InboxLock b = InboxLock.take(work.resolve("b"), "b")) {
            assertThat(work.resolve("a").resolve(InboxLock.FILE_NAME)).exists();
            assertThat(work.resolve("b").resolve(InboxLock.FILE_NAME)).exists();
        }
    }
}

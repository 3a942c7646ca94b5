package io.ampfill.source.jdbc;

import io.ampfill.ledger.AckLedger;
import io.ampfill.ledger.FlakyCheckpointStore;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

import static io.ampfill.source.jdbc.TestDatabase.quoted;
import static org.assertj.core.api.Assertions.assertThat;

/** The database source's commits, on embedded H2. */
class JdbcSourceTest {

    @Test
    void a_position_that_cannot_be_saved_is_reported_and_later_pages_still_commit() throws Exception {
        String table = TestDatabase.tableName("flaky");
        TestDatabase.H2.execute("CREATE TABLE " + quoted(table) + " (id BIGINT PRIMARY KEY, device_id VARCHAR(20),"
                        + " event_type VARCHAR(20), time BIGINT)",
                "INSERT INTO " + quoted(table) + " SELECT x, 'device-1', 'Played', 1700000000000 + x FROM SYSTEM_RANGE(1, 4)");
        FlakyCheckpointStore store = new FlakyCheckpointStore();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try (JdbcSource source = new JdbcSource(TestDatabase.H2.settings(JdbcSourceSettings.TABLE, table,
                JdbcSourceSettings.PAGE_SIZE, "2"),
                Optional.empty(), new AckLedger(), store, () -> false, false)) {
            Iterator<JdbcSource.PageChunk> pages = source.eventPages();
            for (int page = 0; page < 2; page++) {
                JdbcSource.PageChunk chunk = pages.next();
                List<Long> ordinals = new ArrayList<>();
                chunk.records().forEach(record -> ordinals.add(chunk.unit().nextOrdinal()));
                source.handedOver(chunk);
                // delivery acknowledges the page on another thread; the first page's save fails there
                ordinals.forEach(chunk.unit()::settle);
            }
        } finally {
            System.setErr(original);
        }

        String log = err.toString(StandardCharsets.UTF_8);
        assertThat(log).contains("could not save the position").contains("state store unreachable");
        assertThat(store.saved).as("the second page commits the cursor of both").hasSize(1);
        assertThat(store.saved.get(0).position()).contains("4");
    }
}

package io.ampfill.ledger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The state store keeps positions across runs, in the embedded H2 default and in PostgreSQL. */
class JdbcCheckpointStoreTest {
    private static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/test";

    @TempDir
    Path dir;

    @Test
    void keeps_positions_across_reopening_the_embedded_h2_file() {
        String url = "jdbc:h2:file:" + dir.resolve("state/ampfill").toAbsolutePath();
        roundTrip(url, "sa", "");
    }

    @Test
    void keeps_positions_in_postgresql() throws SQLException {
        assumeTrue(reachable(POSTGRES), "PostgreSQL not reachable at " + POSTGRES + ": skipped");
        String schema = "ampfill_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        try (Connection c = DriverManager.getConnection(POSTGRES, "postgres", "");
             Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        try {
            roundTrip(POSTGRES + "?currentSchema=" + schema, "postgres", "");
        } finally {
            try (Connection c = DriverManager.getConnection(POSTGRES, "postgres", "");
                 Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    @Test
    void never_names_the_password_when_it_cannot_open_the_store() {
        assertThatThrownBy(() -> JdbcCheckpointStore.open(
                "jdbc:postgresql://127.0.0.1:1/none?password=s3cret-pw", "nobody", "s3cret-pw"))
                .hasMessageContaining("cannot open the state store")
                .hasMessageNotContaining("s3cret-pw");
    }

    private static void roundTrip(String url, String user, String password) {
        try (JdbcCheckpointStore store = JdbcCheckpointStore.open(url, user, password)) {
            store.save(List.of(new CheckpointStore.Checkpoint("a.ndjson", "10@1", "5"),
                    new CheckpointStore.Checkpoint("b.ndjson", "20@1", "7")));
            store.save(List.of(new CheckpointStore.Checkpoint("a.ndjson", "10@1", "9")));
        }
        try (JdbcCheckpointStore reopened = JdbcCheckpointStore.open(url, user, password)) {
            assertThat(reopened.load("a.ndjson")).contains(new CheckpointStore.Checkpoint("a.ndjson", "10@1", "9"));
            assertThat(reopened.load("b.ndjson").orElseThrow().position()).isEqualTo("7");
            assertThat(reopened.load("c.ndjson")).isEmpty();
            assertThat(reopened.loadAll("a.")).containsOnlyKeys("a.ndjson")
                    .containsValue(new CheckpointStore.Checkpoint("a.ndjson", "10@1", "9"));
            assertThat(reopened.loadAll("")).containsOnlyKeys("a.ndjson", "b.ndjson");
            reopened.retainOnly("", List.of("b.ndjson"));
            assertThat(reopened.load("a.ndjson")).isEmpty();
            assertThat(reopened.load("b.ndjson")).isPresent();
        }
    }

    private static boolean reachable(String url) {
        try (Connection ignored = DriverManager.getConnection(url, "postgres", "")) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }
}

package io.ampfill.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.ampfill.emulator.AmplitudeEmulator;
import io.ampfill.emulator.EmulatorSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.ampfill.e2e.Events.assertDeliveredInOrder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The database source end to end: rows of a table (TIMESTAMPTZ time, JSON properties) arrive once and in
 * order per device, a second run sends only the rows added since, and pre-existing users get a signup
 * event before their other events. PostgreSQL and MariaDB tests skip where the server is not reachable.
 */
class JdbcBackfillTest {
    private static final int DEVICES = 500;
    private static final int PER_DEVICE = 200;

    @TempDir
    Path work;
    AmplitudeEmulator emulator;
    String table = "events_" + UUID.randomUUID().toString().substring(0, 8);

    record Database(String url, String user, String json, String instant, String name) {
    }

    static Database database(String kind, Path work) {
        return switch (kind) {
            case "h2" -> new Database("jdbc:h2:file:" + work.resolve("source").toAbsolutePath() + ";MODE=Regular",
                    "sa", "JSON", "TIMESTAMP WITH TIME ZONE", "H2");
            case "postgresql" -> new Database("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "JSONB", "TIMESTAMPTZ", "PostgreSQL");
            default -> new Database("jdbc:mariadb://127.0.0.1:3306/test", "root", "JSON", "TIMESTAMP(3) NULL", "MariaDB");
        };
    }

    @BeforeEach
    void start() {
        emulator = AmplitudeEmulator.start(new EmulatorSettings());
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2", "postgresql", "mariadb"})
    void rows_arrive_once_in_order_and_a_second_run_sends_only_new_rows(String kind) throws Exception {
        Database db = eventsTable(kind, PER_DEVICE);
        try {
            Backfill first = jdbcBackfill(db, "first");
            assertThat(first.run()).as(first.err).isZero();
            assertDeliveredInOrder(emulator, DEVICES, PER_DEVICE);
            assertThat(first.report.recordsKnown()).as("the rows to read, counted at the start").isEqualTo((long) DEVICES * PER_DEVICE);
            JsonNode one = emulator.ingestedEvents(Events.device(7)).get(3);
            assertThat(one.path("time").asLong()).isEqualTo(Events.BASE_TIME + 3 * 1000L);
            assertThat(one.path("insert_id").asText()).isNotBlank();

            try (Connection c = connect(db)) {
                insertEvents(c, db, PER_DEVICE, 2); // 1,000 rows added after the first run
            }
            Backfill second = jdbcBackfill(db, "second");
            assertThat(second.run()).as(second.err).isZero();

            assertThat(second.report.delivered()).isEqualTo(2L * DEVICES);
            assertThat(second.report.recordsKnown()).as("only the rows after the position the first run saved")
                    .isEqualTo(2L * DEVICES);
            assertThat(emulator.duplicateCount()).isZero();
            assertDeliveredInOrder(emulator, DEVICES, PER_DEVICE + 2);
        } finally {
            try (Connection c = connect(db)) {
                exec(c, "DROP TABLE " + table);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2", "postgresql", "mariadb"})
    void a_second_run_on_the_table_refuses_at_start_even_with_a_state_store_of_its_own(String kind) throws Exception {
        Database db = eventsTable(kind, 2);
        try {
            Backfill first = jdbcBackfill(db, "first").set("backfill.run-once", "false")
                    .set("backfill.state.url", "jdbc:h2:file:" + work.resolve("first/state/ampfill").toAbsolutePath());
            java.util.concurrent.CompletableFuture<Integer> running = java.util.concurrent.CompletableFuture.supplyAsync(first::run);
            Backfill second = jdbcBackfill(db, "second")
                    .set("backfill.state.url", "jdbc:h2:file:" + work.resolve("second/state/ampfill").toAbsolutePath());
            try {
                Events.awaitIngested(emulator, 2L * DEVICES);

                assertThat(second.run()).as(second.err).isEqualTo(io.ampfill.cli.AmpfillApp.BAD_SETTINGS);
            } finally {
                first.stop();
            }
            assertThat(running.get(30, java.util.concurrent.TimeUnit.SECONDS)).as(first.err).isZero();
            assertThat(second.err.lines()).singleElement().asString().startsWithIgnoringCase(
                    "ampfill: another ampfill run is reading table " + table + " of this database: let it finish or stop it");
            assertDeliveredInOrder(emulator, DEVICES, 2);
            assertThat(emulator.duplicateCount()).isZero();
        } finally {
            try (Connection c = connect(db)) {
                exec(c, "DROP TABLE " + table);
            }
        }
    }

    @Test
    void each_pre_existing_user_gets_a_signup_event_at_their_creation_time_before_their_other_events() throws Exception {
        Database db = database("h2", work);
        int users = 10_000;
        try (Connection c = connect(db)) {
            exec(c, "CREATE TABLE users (user_id VARCHAR(40) PRIMARY KEY, created_at TIMESTAMP WITH TIME ZONE, plan VARCHAR(20))",
                    "CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, device_id VARCHAR(40), user_id VARCHAR(40),"
                            + " event_type VARCHAR(40), happened_at TIMESTAMP WITH TIME ZONE)");
            try (PreparedStatement u = c.prepareStatement("INSERT INTO users VALUES (?, ?, ?)");
                 PreparedStatement e = c.prepareStatement("INSERT INTO " + table + " VALUES (?, ?, ?, ?, ?)")) {
                for (int i = 0; i < users; i++) {
                    u.setString(1, "user-" + i);
                    u.setTimestamp(2, Timestamp.from(Instant.ofEpochMilli(Events.BASE_TIME - 86_400_000L + i)));
                    u.setString(3, i % 2 == 0 ? "gold" : "free");
                    u.addBatch();
                    e.setLong(1, i);
                    e.setString(2, "phone-of-user-" + i);
                    e.setString(3, "user-" + i);
                    e.setString(4, "Opened App");
                    e.setTimestamp(5, Timestamp.from(Instant.ofEpochMilli(Events.BASE_TIME + i)));
                    e.addBatch();
                }
                u.executeBatch();
                e.executeBatch();
            }
        }
        Backfill backfill = jdbcBackfill(db, "users")
                .set("backfill.map.event_properties", "")
                .set("backfill.users.table", "users")
                .set("backfill.users.properties-columns", "plan");

        assertThat(backfill.run()).as(backfill.err).isZero();
        assertThat(backfill.report.recordsKnown()).as("the users' signups and the events").isEqualTo(2L * users);

        List<com.fasterxml.jackson.databind.node.ObjectNode> inOrder = emulator.ingestedEventsInOrder();
        Map<String, Integer> signupAt = new HashMap<>();
        Map<String, Integer> firstEventAt = new HashMap<>();
        for (int i = 0; i < inOrder.size(); i++) {
            JsonNode event = inOrder.get(i);
            String user = event.path("user_id").asText();
            if (event.path("event_type").asText().equals("Signed Up")) {
                assertThat(signupAt.put(user, i)).as("one signup for " + user).isNull();
                int n = Integer.parseInt(user.substring(5));
                assertThat(event.path("time").asLong()).isEqualTo(Events.BASE_TIME - 86_400_000L + n);
                assertThat(event.path("user_properties").path("plan").asText()).isIn("gold", "free");
            } else {
                firstEventAt.putIfAbsent(user, i);
            }
        }
        assertThat(signupAt).hasSize(users);
        assertThat(firstEventAt).hasSize(users);
        firstEventAt.forEach((user, at) -> assertThat(signupAt.get(user)).as(user).isLessThan(at));
    }

    @Test
    void a_bad_row_is_dead_lettered_naming_table_and_key_and_watching_picks_up_new_rows() throws Exception {
        Database db = h2Table("(1, 'device-0000', 'Played Song', TIMESTAMP WITH TIME ZONE '2023-11-14 22:13:20+00')",
                "(2, 'device-0000', NULL, TIMESTAMP WITH TIME ZONE '2023-11-14 22:13:21+00')",
                "(3, 'device-0000', 'Played Song', TIMESTAMP WITH TIME ZONE '2023-11-14 22:13:22+00')");
        Backfill backfill = jdbcBackfill(db, "watch")
                .set("backfill.map.event_properties", "")
                .set("backfill.run-once", "false");
        java.util.concurrent.CompletableFuture<Integer> run = java.util.concurrent.CompletableFuture.supplyAsync(backfill::run);
        try {
            Events.awaitIngested(emulator, 2);
            try (Connection c = connect(db)) {
                exec(c, "INSERT INTO " + table + " VALUES (4, 'device-0000', 'Paused Song', TIMESTAMP WITH TIME ZONE '2023-11-14 22:13:23+00')");
            }
            Events.awaitIngested(emulator, 3);
        } finally {
            backfill.stop();
        }
        assertThat(run.get(30, java.util.concurrent.TimeUnit.SECONDS)).as(backfill.err).isZero();

        assertThat(emulator.ingestedEvents(Events.device(0))).extracting(e -> e.path("time").asLong())
                .containsExactly(1700000000000L, 1700000002000L, 1700000003000L);
        List<String> rejected = java.nio.file.Files.readAllLines(
                backfill.deadLetters.resolve("table " + table.toUpperCase(java.util.Locale.ROOT) + ".rejected.ndjson"));
        assertThat(rejected).hasSize(1);
        assertThat(rejected.get(0)).contains("event_type").contains("\"line\":2").contains(table.toUpperCase(java.util.Locale.ROOT));
    }

    @Test
    void a_table_that_cannot_be_read_any_more_stops_the_run_with_one_line() throws Exception {
        Database db = h2Table("(1, 'device-0000', 'Played Song', TIMESTAMP WITH TIME ZONE '2023-11-14 22:13:20+00')");
        // only the jdbc route and the sink's are loaded: what a failing source does must come with them (without a
        // management port, a watching run ends on its fatal line rather than staying up with readiness down)
        Backfill backfill = jdbcBackfill(db, "gone").set("backfill.map.event_properties", "").set("backfill.run-once", "false")
                .set("backfill.management-port", "off");
        java.util.concurrent.CompletableFuture<Integer> run = java.util.concurrent.CompletableFuture.supplyAsync(backfill::run);
        try {
            Events.awaitIngested(emulator, 1);
            try (Connection c = connect(db)) {
                exec(c, "DROP TABLE " + table);
            }
            assertThat(run.get(30, java.util.concurrent.TimeUnit.SECONDS)).as(backfill.err).isEqualTo(io.ampfill.cli.AmpfillApp.FATAL);
        } finally {
            backfill.stop();
        }
        assertThat(backfill.err).containsIgnoringCase("ampfill: stopped: cannot read the source: cannot read table " + table);
    }

    @Test
    void bad_rows_are_dead_lettered_once_across_a_run_stopped_by_a_wrong_key_and_its_rerun() throws Exception {
        emulator.close();
        emulator = AmplitudeEmulator.start(new EmulatorSettings().expectedApiKey("the-right-key-42"));
        Database db = database("h2", work);
        // a name with a "/": its dead letters still get a file of their own in the folder
        table = "SALES/" + table.toUpperCase(java.util.Locale.ROOT);
        List<Long> badRows = new java.util.ArrayList<>();
        try (Connection c = connect(db)) {
            exec(c, "CREATE TABLE \"" + table + "\" (id BIGINT PRIMARY KEY, device_id VARCHAR(40), event_type VARCHAR(40),"
                    + " happened_at TIMESTAMP WITH TIME ZONE)");
            PreparedStatement insert = c.prepareStatement("INSERT INTO \"" + table + "\" VALUES (?, ?, ?, ?)");
            for (long id = 1; id <= 2000; id++) {
                boolean bad = id % 13 == 0;
                insert.setLong(1, id);
                insert.setString(2, Events.device((int) (id % 10)));
                insert.setString(3, bad ? null : "Played Song");
                insert.setTimestamp(4, Timestamp.from(Instant.ofEpochMilli(Events.BASE_TIME + id * 1000)));
                insert.addBatch();
                if (bad) {
                    badRows.add(id);
                }
            }
            insert.executeBatch();
        }
        Backfill wrongKey = jdbcBackfill(db, "run").set("backfill.map.event_properties", "")
                .set("backfill.jdbc.page-size", "100")
                .set("amplitude.api-key", "wrong-key-7f3e9a1b2c");
        assertThat(wrongKey.run()).isEqualTo(1);
        assertThat(wrongKey.err).contains("Amplitude refused the API key");

        Backfill rightKey = jdbcBackfill(db, "run").set("backfill.map.event_properties", "")
                .set("backfill.jdbc.page-size", "100");
        rightKey.settings.put("amplitude.api-key", "the-right-key-42");
        assertThat(rightKey.run()).as(rightKey.err).isZero();

        assertThat(emulator.ingestedCount()).isEqualTo(2000 - badRows.size());
        List<String> deadLetterFiles = FileBackfillTest.files(rightKey.deadLetters);
        assertThat(deadLetterFiles).hasSize(1);
        assertThat(deadLetterFiles.get(0)).startsWith("table SALES_").endsWith(".rejected.ndjson");
        List<Long> rows = new java.util.ArrayList<>();
        for (String line : java.nio.file.Files.readAllLines(rightKey.deadLetters.resolve(deadLetterFiles.get(0)))) {
            JsonNode rejected = new com.fasterxml.jackson.databind.ObjectMapper().readTree(line);
            assertThat(rejected.path("source").asText()).isEqualTo("table " + table);
            rows.add(rejected.path("line").asLong());
        }
        assertThat(rows).as("each bad row once, across the two runs").containsExactlyInAnyOrderElementsOf(badRows);
    }

    /** The events table on that database, perDevice events of each device in it; skips the test where it is not reachable. */
    /** An H2 table of id, device_id, event_type and happened_at holding these rows, each a VALUES tuple. */
    private Database h2Table(String... rows) throws SQLException {
        Database db = database("h2", work);
        try (Connection c = connect(db)) {
            exec(c, "CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, device_id VARCHAR(40), event_type VARCHAR(40),"
                    + " happened_at TIMESTAMP WITH TIME ZONE)");
            for (String row : rows) {
                exec(c, "INSERT INTO " + table + " VALUES " + row);
            }
        }
        return db;
    }

    private Database eventsTable(String kind, int perDevice) throws SQLException {
        Database db = database(kind, work);
        assumeTrue(reachable(db), db.name() + " not reachable at " + db.url() + ": skipped");
        try (Connection c = connect(db)) {
            exec(c, "CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, device_id VARCHAR(40), event_type VARCHAR(40),"
                    + " happened_at " + db.instant() + ", props " + db.json() + ")");
            insertEvents(c, db, 0, perDevice);
        }
        return db;
    }

    private Backfill jdbcBackfill(Database db, String run) throws IOException {
        return new Backfill(work.resolve(run), emulator)
                .set("backfill.state.url", "jdbc:h2:file:" + work.resolve("state/ampfill").toAbsolutePath())
                .set("backfill.source", "jdbc")
                .set("backfill.jdbc.url", db.url())
                .set("backfill.jdbc.user", db.user())
                .set("backfill.jdbc.table", table)
                .set("backfill.jdbc.cursor-column", "id")
                .set("backfill.map.time", "happened_at")
                .set("backfill.map.event_properties", "props");
    }

    /** Device d's n-th event is row n * DEVICES + d: rows interleave devices, as a log table does. */
    private void insertEvents(Connection c, Database db, int fromSeq, int count) throws SQLException {
        boolean mariadb = db.name().equals("MariaDB");
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + table + " VALUES (?, ?, ?, ?, "
                + (db.name().equals("H2") ? "? FORMAT JSON" : db.name().equals("PostgreSQL") ? "CAST(? AS JSONB)" : "?") + ")")) {
            int batch = 0;
            for (int seq = fromSeq; seq < fromSeq + count; seq++) {
                for (int d = 0; d < DEVICES; d++) {
                    insert.setLong(1, (long) seq * DEVICES + d);
                    insert.setString(2, Events.device(d));
                    insert.setString(3, "Played Song");
                    Timestamp at = Timestamp.from(Instant.ofEpochMilli(Events.BASE_TIME + seq * 1000L));
                    if (mariadb) {
                        insert.setString(4, at.toInstant().toString().replace("T", " ").replace("Z", ""));
                    } else {
                        insert.setTimestamp(4, at);
                    }
                    insert.setString(5, "{\"seq\":" + seq + "}");
                    insert.addBatch();
                    if (++batch % 5000 == 0) {
                        insert.executeBatch();
                    }
                }
            }
            insert.executeBatch();
        }
    }

    private static Connection connect(Database db) throws SQLException {
        Connection c = DriverManager.getConnection(db.url(), db.user(), "");
        if (db.name().equals("MariaDB")) {
            exec(c, "SET time_zone = '+00:00'");
        }
        return c;
    }

    private static void exec(Connection c, String... sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String one : sql) {
                s.execute(one);
            }
        }
    }

    static boolean reachable(Database db) {
        try (Connection ignored = DriverManager.getConnection(db.url(), db.user(), "")) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }
}

package io.ampfill.source.jdbc;

import io.ampfill.setting.BadSettingException;
import io.ampfill.source.Records;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ampfill.event.TreeMapper;
import io.ampfill.event.MappedEvent;
import io.ampfill.event.MappingResult;
import io.ampfill.event.MappingSettings;
import io.ampfill.event.Rejection;
import io.ampfill.source.SourceRecord;
import io.ampfill.source.jdbc.JdbcTableReader.Page;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

import static io.ampfill.source.Records.isTree;
import static io.ampfill.source.Records.raw;
import static io.ampfill.source.Records.reason;
import static io.ampfill.source.Records.value;
import static io.ampfill.source.jdbc.TestDatabase.quoted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * What the JDBC reader does on every database; a subclass per database runs it (and adds what is its own).
 * The SQL here quotes identifiers the standard way, so that H2 keeps them lower-case like the others.
 */
abstract class JdbcTableReaderContract {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Instant BASE = Instant.parse("2024-03-01T12:00:00Z");

    final List<String> tables = new ArrayList<>();

    abstract TestDatabase database();

    @BeforeEach
    void databaseIsThere() {
        database().assumeReachable();
    }

    @AfterEach
    void dropTables() {
        tables.forEach(database()::dropQuietly);
    }

    String newTable(String prefix) {
        String table = TestDatabase.tableName(prefix);
        tables.add(table);
        return table;
    }

    /** id, event_type, user_id, device_id, created_at (an instant), event_properties (JSON), user_properties (text), plan, amount, active, signup_day. */
    String eventsTable() throws SQLException {
        TestDatabase db = database();
        String table = newTable("events");
        db.execute("CREATE TABLE " + quoted(table) + " ("
                + "\"id\" BIGINT PRIMARY KEY, \"event_type\" VARCHAR(100), \"user_id\" VARCHAR(100), \"device_id\" VARCHAR(100), "
                + "\"created_at\" " + db.instant + ", \"event_properties\" " + db.json + ", \"user_properties\" VARCHAR(2000), "
                + "\"plan\" VARCHAR(50), \"amount\" DECIMAL(10,2), \"active\" BOOLEAN, \"signup_day\" DATE)");
        return table;
    }

    /** Rows first..last of the events table; created_at = BASE + secondsOf(id) seconds. */
    void insertEvents(String table, int first, int last, java.util.function.IntUnaryOperator secondsOf) throws SQLException {
        List<Integer> ids = new ArrayList<>();
        for (int id = first; id <= last; id++) {
            ids.add(id);
        }
        Collections.shuffle(ids, new Random(first));
        try (Connection c = database().connect();
             PreparedStatement insert = c.prepareStatement("INSERT INTO " + quoted(table)
                     + " (\"id\", \"event_type\", \"user_id\", \"device_id\", \"created_at\", \"plan\", \"amount\", \"active\", \"signup_day\")"
                     + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (int id : ids) {
                insert.setLong(1, id);
                insert.setString(2, "Played Song");
                insert.setString(3, String.format("user-%05d", id % 7));
                insert.setString(4, id % 2 == 0 ? "device-" + id : null);
                insert.setObject(5, timeParameter(BASE.plusSeconds(secondsOf.applyAsInt(id))));
                insert.setString(6, "pro");
                insert.setBigDecimal(7, new java.math.BigDecimal("12.50"));
                insert.setBoolean(8, true);
                insert.setObject(9, java.time.LocalDate.of(2024, 2, 29));
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** The instant as the instant column takes it as a parameter. */
    Object timeParameter(Instant instant) {
        return database() == TestDatabase.MARIADB
                ? java.time.LocalDateTime.ofInstant(instant, java.time.ZoneOffset.UTC)
                : instant.atOffset(java.time.ZoneOffset.UTC);
    }

    JdbcTableReader reader(String... settings) throws SQLException {
        return new JdbcTableReader(database().dataSource(), database().settings(settings));
    }

    /** Every page from the start (or after a position) until a page is not full. */
    static List<SourceRecord> readAll(JdbcTableReader reader, Object after, List<Page> pages) throws SQLException {
        List<SourceRecord> all = new ArrayList<>();
        Object position = after;
        while (true) {
            Page page = reader.readPage(position);
            pages.add(page);
            all.addAll(page.records());
            if (!page.full()) {
                return all;
            }
            position = page.lastCursor();
        }
    }

    static List<Long> ids(List<SourceRecord> records) {
        return records.stream().map(r -> value(r).get("event_properties").get("id").asLong()).toList();
    }

    static List<Long> range(long first, long last) {
        List<Long> ids = new ArrayList<>();
        for (long i = first; i <= last; i++) {
            ids.add(i);
        }
        return ids;
    }

    @Test
    void reads_every_row_once_in_cursor_order_in_pages() throws Exception {
        String table = eventsTable();
        insertEvents(table, 1, 25, id -> id);
        List<Page> pages = new ArrayList<>();
        try (JdbcTableReader reader = reader(JdbcSourceSettings.TABLE, table, JdbcSourceSettings.PAGE_SIZE, "7",
                "backfill.map.time", "created_at")) {
            List<SourceRecord> records = readAll(reader, null, pages);
            assertThat(ids(records)).containsExactlyElementsOf(range(1, 25));
            assertThat(records).extracting(SourceRecord::line).containsExactlyElementsOf(range(1, 25));
            assertThat(records).allMatch(Records::isTree);
        }
        assertThat(pages).extracting(p -> p.records().size()).containsExactly(7, 7, 7, 4);
        assertThat(pages.get(0).lastCursor()).isEqualTo(new CursorPosition(7L, List.of()));
    }

    @Test
    void maps_columns_to_amplitude_fields_and_the_rest_into_event_properties() throws Exception {
        TestDatabase db = database();
        String table = eventsTable();
        insertEvents(table, 1, 2, id -> id);
        db.execute("UPDATE " + quoted(table) + " SET \"event_properties\" = " + db.jsonLiteral("{\"song\":\"Blue\",\"plan\":\"from-json\",\"tags\":[1,2]}")
                + ", \"user_properties\" = '{\"tier\":\"gold\"}' WHERE \"id\" = 2");
        try (JdbcTableReader reader = reader(JdbcSourceSettings.TABLE, table, "backfill.map.time", "created_at")) {
            List<SourceRecord> records = reader.readPage(null).records();
            JsonNode odd = value(records.get(0));
            JsonNode even = value(records.get(1));

            assertThat(odd.get("event_type").asText()).isEqualTo("Played Song");
            assertThat(odd.get("user_id").asText()).isEqualTo("user-00001");
            assertThat(odd.has("device_id")).as("NULL is left out").isFalse();
            assertThat(even.get("device_id").asText()).isEqualTo("device-2");
            assertThat(odd.get("time").isIntegralNumber()).isTrue();
            assertThat(odd.get("time").asLong()).isEqualTo(BASE.plusSeconds(1).toEpochMilli());
            assertThat(odd.has("created_at")).as("a mapped column fills its field only").isFalse();

            JsonNode other = odd.get("event_properties");
            assertThat(other.get("id").asLong()).isEqualTo(1);
            assertThat(other.get("plan").asText()).isEqualTo("pro");
            assertThat(other.get("amount").isNumber()).isTrue();
            assertThat(other.get("amount").decimalValue()).isEqualByComparingTo("12.5");
            assertThat(other.get("active").isBoolean()).isTrue();
            assertThat(other.get("active").asBoolean()).isTrue();
            assertThat(other.get("signup_day").asLong()).as("DATE: UTC midnight").isEqualTo(Instant.parse("2024-02-29T00:00:00Z").toEpochMilli());

            JsonNode properties = even.get("event_properties");
            assertThat(properties.get("song").asText()).isEqualTo("Blue");
            assertThat(properties.get("tags").isArray()).isTrue();
            assertThat(properties.get("plan").asText()).as("the JSON column's own value wins").isEqualTo("from-json");
            assertThat(properties.get("amount").decimalValue()).isEqualByComparingTo("12.5");
            assertThat(even.get("user_properties").isObject()).as("text holding JSON is parsed").isTrue();
            assertThat(even.get("user_properties").get("tier").asText()).isEqualTo("gold");

            MappingResult mapped = new TreeMapper(new MappingSettings()).map(even);
            assertThat(mapped).isInstanceOf(MappedEvent.class);
            assertThat(((MappedEvent) mapped).insertId()).as("the mapper keeps the derived id").isEqualTo(even.get("insert_id").asText());
        }
    }

    @Test
    void converts_times_to_epoch_milliseconds_in_utc() throws Exception {
        TestDatabase db = database();
        String table = newTable("times");
        db.execute("CREATE TABLE " + quoted(table) + " (\"id\" INT PRIMARY KEY, \"event_type\" VARCHAR(20), \"user_id\" VARCHAR(20), "
                + "\"time\" " + db.instant + ", \"local_time\" " + db.localTime + ", \"day\" DATE)");
        try (Connection c = db.connect(); var statement = c.createStatement()) {
            String instant;
            if (db == TestDatabase.MARIADB) {
                // MariaDB's TIMESTAMP is an instant, written here in a session two hours east of UTC
                statement.execute("SET time_zone = '+02:00'");
                instant = "'2024-03-01 14:00:00'";
            } else {
                instant = "TIMESTAMP WITH TIME ZONE '2024-03-01 14:00:00+02:00'";
            }
            statement.execute("INSERT INTO " + quoted(table) + " VALUES (1, 'Played Song', 'user-00001', " + instant
                    + ", TIMESTAMP '2024-03-01 12:00:00.250', DATE '2024-03-01')");
        }
        try (JdbcTableReader reader = reader(JdbcSourceSettings.TABLE, table)) {
            JsonNode event = value(reader.readPage(null).records().get(0));
            assertThat(event.get("time").asLong()).isEqualTo(Instant.parse("2024-03-01T12:00:00Z").toEpochMilli());
            assertThat(event.get("event_properties").get("local_time").asLong()).as("no zone: taken as UTC")
                    .isEqualTo(Instant.parse("2024-03-01T12:00:00.250Z").toEpochMilli());
            assertThat(event.get("event_properties").get("day").asLong()).isEqualTo(Instant.parse("2024-03-01T00:00:00Z").toEpochMilli());
        }
    }

    @Test
    void derives_an_insert_id_from_table_and_key_that_is_stable_across_reads() throws Exception {
        String table = eventsTable();
        insertEvents(table, 1, 20, id -> id);
        List<String> first;
        List<String> second;
        try (JdbcTableReader reader = reader(JdbcSourceSettings.TABLE, table, "backfill.map.time", "created_at")) {
            first = reader.readPage(null).records().stream().map(r -> value(r).get("insert_id").asText()).toList();
        }
        database().execute("UPDATE " + quoted(table) + " SET \"plan\" = 'edited since'");
        try (JdbcTableReader reader = reader(JdbcSourceSettings.TABLE, table, "backfill.map.time", "created_at")) {
            second = reader.readPage(null).records().stream().map(r -> value(r).get("insert_id").asText()).toList();
        }
        assertThat(first).hasSize(20).doesNotHaveDuplicates().allMatch(id -> id.startsWith("db-") && id.length() == 35);
        assertThat(second).as("an edited row keeps its id").isEqualTo(first);
        assertThat(first.get(0)).isEqualTo(DerivedInsertId.ofRow(table, List.of(1L)));
    }

    @Test
    void bad_rows_become_error_records_that_name_table_and_key_and_the_cursor_moves_past_them() throws Exception {
        TestDatabase db = database();
        String table = newTable("bad");
        db.execute("CREATE TABLE " + quoted(table) + " (\"id\" INT PRIMARY KEY, \"event_type\" VARCHAR(20), \"user_id\" VARCHAR(20), "
                        + "\"device_id\" VARCHAR(20), \"time\" " + db.instant + ", \"user_properties\" VARCHAR(200))",
                "INSERT INTO " + quoted(table) + " VALUES (1, 'Played', 'user-00001', NULL, " + db.instantLiteral("2024-03-01T12:00:00Z") + ", NULL)",
                "INSERT INTO " + quoted(table) + " VALUES (2, NULL, 'user-00001', NULL, " + db.instantLiteral("2024-03-01T12:00:01Z") + ", NULL)",
                "INSERT INTO " + quoted(table) + " VALUES (3, 'Played', NULL, NULL, " + db.instantLiteral("2024-03-01T12:00:02Z") + ", NULL)",
                "INSERT INTO " + quoted(table) + " VALUES (4, 'Played', 'user-00001', NULL, " + db.instantLiteral("2024-03-01T12:00:03Z") + ", '{\"tier\": gold')",
                "INSERT INTO " + quoted(table) + " VALUES (5, 'Played', 'user-00001', NULL, NULL, NULL)",
                "INSERT INTO " + quoted(table) + " VALUES (6, 'Played', 'user-00001', 'device-00006', " + db.instantLiteral("2024-03-01T12:00:05Z") + ", '{}')");
        try (JdbcTableReader reader = reader(JdbcSourceSettings.TABLE, table, JdbcSourceSettings.PAGE_SIZE, "4")) {
            Page first = reader.readPage(null);
            assertThat(first.lastCursor().cursor()).as("bad rows move the cursor too").isEqualTo(4L);
            Page second = reader.readPage(first.lastCursor());
            List<SourceRecord> records = new ArrayList<>(first.records());
            records.addAll(second.records());

            assertThat(records).extracting(SourceRecord::line).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
            assertThat(records).extracting(Records::isTree).containsExactly(true, false, false, false, false, true);
            String name = "table " + table;
            assertThat(reason(records.get(1))).isEqualTo(name + ", id 2: event_type is NULL");
            assertThat(reason(records.get(2))).isEqualTo(name + ", id 3: user_id and device_id are both NULL");
            assertThat(reason(records.get(3))).startsWith(name + ", id 4: user_properties is not valid JSON");
            assertThat(reason(records.get(4))).isEqualTo(name + ", id 5: time is NULL");
            assertThat(records).filteredOn(r -> !isTree(r)).allSatisfy(r -> {
                assertThat(reason(r)).doesNotContain("\n");
                JsonNode raw = JSON.readTree(raw(r));
                assertThat(raw.get("event_properties").get("id").asLong()).as("the raw row names its key").isEqualTo(r.line());
            });
            assertThat(JSON.readTree(raw(records.get(3))).get("user_properties").asText()).isEqualTo("{\"tier\": gold");
            assertThat(reader.sourceName()).isEqualTo(name);
        }
    }

    @Test
    void a_time_that_does_not_parse_is_rejected_by_the_mapper_with_the_key_as_line() throws Exception {
        TestDatabase db = database();
        String table = newTable("texttime");
        db.execute("CREATE TABLE " + quoted(table) + " (\"id\" INT PRIMARY KEY, \"event_type\" VARCHAR(20), \"user_id\" VARCHAR(20), \"time\" VARCHAR(40))",
                "INSERT INTO " + quoted(table) + " VALUES (7, 'Played', 'user-00001', '2024-03-01T14:00:00+02:00')",
                "INSERT INTO " + quoted(table) + " VALUES (8, 'Played', 'user-00001', 'yesterday')");
        try (JdbcTableReader reader = reader(JdbcSourceSettings.TABLE, table)) {
            List<SourceRecord> records = reader.readPage(null).records();
            TreeMapper mapper = new TreeMapper(new MappingSettings());
            MappingResult good = mapper.map(value(records.get(0)));
            assertThat(good).isInstanceOf(MappedEvent.class);
            assertThat(JSON.readTree(((MappedEvent) good).json()).get("time").asLong()).isEqualTo(BASE.toEpochMilli());
            assertThat(mapper.map(value(records.get(1)))).isInstanceOfSatisfying(Rejection.class,
                    r -> assertThat(r.reason()).startsWith("time is not epoch milliseconds or an ISO-8601 timestamp"));
            assertThat(records.get(1).line()).as("the dead letter's line is the key").isEqualTo(8);
            assertThat(value(records.get(1)).get("event_properties").get("id").asLong()).isEqualTo(8);
        }
    }

    @Test
    void judges_a_timestamp_column_as_a_date_and_an_epoch_column_by_its_size() throws Exception {
        TestDatabase db = database();
        String table = newTable("implausible");
        db.execute("CREATE TABLE " + quoted(table) + " (\"id\" INT PRIMARY KEY, \"event_type\" VARCHAR(20), \"user_id\" VARCHAR(20), "
                        + "\"happened\" " + db.localTime + ", \"epoch\" BIGINT, \"day\" DATE)",
                "INSERT INTO " + quoted(table) + " VALUES (1, 'Played', 'user-00001', TIMESTAMP '1971-06-01 00:00:00', 1709294400000000, DATE '1971-06-01')",
                "INSERT INTO " + quoted(table) + " VALUES (2, 'Played', 'user-00001', TIMESTAMP '1960-01-01 00:00:00', 1709294400000, DATE '1960-01-01')",
                "INSERT INTO " + quoted(table) + " VALUES (3, 'Played', 'user-00001', TIMESTAMP '3000-01-01 00:00:00', -5, DATE '3000-01-01')");
        TreeMapper mapper = new TreeMapper(new MappingSettings().clock(java.time.Clock.fixed(BASE, java.time.ZoneOffset.UTC)));
        String ahead = "time is more than 1d in the future (backfill.max-time-ahead): ";
        long june1971 = Instant.parse("1971-06-01T00:00:00Z").toEpochMilli();
        for (String column : List.of("happened", "day")) {
            try (JdbcTableReader reader = reader(JdbcSourceSettings.TABLE, table, "backfill.map.time", column,
                    JdbcSourceSettings.OTHER_COLUMNS, "ignore")) {
                List<MappingResult> results = reader.readPage(null).records().stream().map(r -> mapper.map(value(r))).toList();
                assertThat(results.get(0)).as("a 1971 %s is a date, not seconds", column).isInstanceOfSatisfying(MappedEvent.class,
                        e -> assertThat(timeOf(e)).isEqualTo(june1971));
                assertThat(results.get(1)).isEqualTo(new Rejection("time", "time is before 1970-01-01: -315619200000 (1960-01-01T00:00:00Z)"));
                assertThat(results.get(2)).isEqualTo(new Rejection("time", ahead + "32503680000000 (3000-01-01T00:00:00Z)"));
            }
        }
        try (JdbcTableReader reader = reader(JdbcSourceSettings.TABLE, table, "backfill.map.time", "epoch",
                JdbcSourceSettings.OTHER_COLUMNS, "ignore")) {
            List<MappingResult> results = reader.readPage(null).records().stream().map(r -> mapper.map(value(r))).toList();
            assertThat(results.get(0)).isEqualTo(new Rejection("time", "time looks like microseconds, not milliseconds: 1709294400000000"));
            assertThat(results.get(1)).isInstanceOfSatisfying(MappedEvent.class, e -> assertThat(timeOf(e)).isEqualTo(1709294400000L));
            assertThat(results.get(2)).isEqualTo(new Rejection("time", "time is before 1970-01-01: -5"));
        }
    }

    static long timeOf(MappedEvent event) {
        try {
            return JSON.readTree(event.json()).get("time").asLong();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void rows_that_share_a_cursor_value_are_neither_lost_nor_repeated_at_page_boundaries() throws Exception {
        String table = eventsTable();
        insertEvents(table, 1, 40, id -> id / 5);
        for (int pageSize : new int[] {1, 3, 4, 5, 6, 39, 40, 41}) {
            try (JdbcTableReader reader = reader(JdbcSourceSettings.TABLE, table, "backfill.map.time", "created_at",
                    JdbcSourceSettings.CURSOR_COLUMN, "created_at", JdbcSourceSettings.PAGE_SIZE, String.valueOf(pageSize))) {
                List<SourceRecord> records = readAll(reader, null, new ArrayList<>());
                assertThat(ids(records)).as("page size " + pageSize).containsExactlyElementsOf(range(1, 40));
            }
        }
    }

    @Test
    void ties_are_broken_by_a_composite_key() throws Exception {
        TestDatabase db = database();
        String table = newTable("lines");
        db.execute("CREATE TABLE " + quoted(table) + " (\"order_id\" INT NOT NULL, \"line_no\" INT NOT NULL, \"event_type\" VARCHAR(20), "
                + "\"user_id\" VARCHAR(20), \"time\" " + db.instant + ", PRIMARY KEY (\"order_id\", \"line_no\"))");
        List<String> expected = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement insert = c.prepareStatement(
                "INSERT INTO " + quoted(table) + " VALUES (?, ?, 'Bought', 'user-00001', ?)")) {
            for (int order = 1; order <= 6; order++) {
                for (int line = 1; line <= 3; line++) {
                    insert.setInt(1, order);
                    insert.setInt(2, line);
                    insert.setObject(3, timeParameter(BASE.plusSeconds(order / 3)));
                    insert.addBatch();
                    expected.add(order + "/" + line);
                }
            }
            insert.executeBatch();
        }
        try (JdbcTableReader reader = reader(JdbcSourceSettings.TABLE, table, JdbcSourceSettings.CURSOR_COLUMN, "time",
                JdbcSourceSettings.PAGE_SIZE, "4")) {
            List<SourceRecord> records = readAll(reader, null, new ArrayList<>());
            assertThat(records).extracting(r -> value(r).get("event_properties").get("order_id").asInt() + "/"
                    + value(r).get("event_properties").get("line_no").asInt()).containsExactlyElementsOf(expected);
            assertThat(records.stream().map(r -> value(r).get("insert_id").asText()).distinct().count()).isEqualTo(18);
            assertThat(records.get(0).line()).as("no single integer key: the ordinal").isEqualTo(1);
        }
    }

    @Test
    void a_second_run_after_the_last_position_reads_only_rows_added_since() throws Exception {
        String table = eventsTable();
        insertEvents(table, 1, 30, id -> id / 3);
        String checkpoint;
        try (JdbcTableReader reader = reader(JdbcSourceSettings.TABLE, table, "backfill.map.time", "created_at",
                JdbcSourceSettings.CURSOR_COLUMN, "created_at", JdbcSourceSettings.PAGE_SIZE, "8")) {
            List<Page> pages = new ArrayList<>();
            assertThat(ids(readAll(reader, null, pages))).containsExactlyElementsOf(range(1, 30));
            CursorPosition last = pages.stream().map(Page::lastCursor).filter(p -> p != null).reduce((a, b) -> b).orElseThrow();
            checkpoint = last.toText();
            assertThat(reader.readPage(last).records()).as("nothing new yet").isEmpty();
        }
        // 31 shares the last row's cursor value: it sorts after row 30 by key, so it is still read
        insertEvents(table, 31, 31, id -> 30 / 3);
        insertEvents(table, 32, 35, id -> id);
        try (JdbcTableReader reader = reader(JdbcSourceSettings.TABLE, table, "backfill.map.time", "created_at",
                JdbcSourceSettings.CURSOR_COLUMN, "created_at", JdbcSourceSettings.PAGE_SIZE, "8")) {
            List<SourceRecord> added = readAll(reader, CursorPosition.parse(checkpoint), new ArrayList<>());
            assertThat(ids(added)).containsExactlyElementsOf(range(31, 35));
        }
    }

    @Test
    void the_rows_a_run_has_to_read_are_counted_after_the_position_it_resumes_from() throws Exception {
        String table = eventsTable();
        insertEvents(table, 1, 31, id -> id / 3); // cursor values shared by three rows: a page ends among them
        database().execute("UPDATE " + quoted(table) + " SET \"created_at\" = NULL WHERE \"id\" = 31"); // never read
        KeptPositions store = new KeptPositions();
        String[] settings = {JdbcSourceSettings.TABLE, table, "backfill.map.time", "created_at",
                JdbcSourceSettings.CURSOR_COLUMN, "created_at", JdbcSourceSettings.PAGE_SIZE, "8"};
        try (JdbcSource first = new JdbcSource(database().settings(settings), java.util.Optional.empty(),
                new io.ampfill.ledger.AckLedger(), store, () -> false, false)) {
            assertThat(rowsToRead(first)).isEqualTo(30);
            java.util.Iterator<JdbcSource.PageChunk> pages = first.eventPages();
            settle(first, pages.next());
            settle(first, pages.next()); // rows 1 to 16 delivered; 16 shares its cursor value with 15 and 17
        }
        try (JdbcSource resumed = new JdbcSource(database().settings(settings), java.util.Optional.empty(),
                new io.ampfill.ledger.AckLedger(), store, () -> false, false)) {
            assertThat(rowsToRead(resumed)).as("only the rows after the saved position").isEqualTo(14);
            List<Long> read = new ArrayList<>();
            resumed.eventPages().forEachRemaining(page -> read.addAll(ids(page.records())));
            assertThat(read).containsExactlyElementsOf(range(17, 30));

            resumed.stopCounting();
            java.util.concurrent.atomic.AtomicLong told = new java.util.concurrent.atomic.AtomicLong(-1);
            resumed.countRowsToRead(Runnable::run, told::set);
            assertThat(told.get()).as("a count the run's end stopped tells nothing").isEqualTo(-1);
        }
    }

    /** What the source counts on an executor, counted on this thread. */
    private static long rowsToRead(JdbcSource source) {
        java.util.concurrent.atomic.AtomicLong told = new java.util.concurrent.atomic.AtomicLong(-1);
        source.countRowsToRead(Runnable::run, told::set);
        return told.get();
    }

    /** The page handed over and each of its records acknowledged, as delivery does: its cursor is saved. */
    private static void settle(JdbcSource source, JdbcSource.PageChunk page) {
        List<Long> ordinals = new ArrayList<>();
        page.records().forEach(record -> ordinals.add(page.unit().nextOrdinal()));
        source.handedOver(page);
        ordinals.forEach(page.unit()::settle);
    }

    /** A state store that keeps the positions it is given, as a run's own does for the next run. */
    private static final class KeptPositions extends io.ampfill.ledger.FlakyCheckpointStore {
        KeptPositions() {
            failuresLeft = 0;
        }

        @Override
        public java.util.Optional<Checkpoint> load(String source) {
            return saved.stream().filter(checkpoint -> checkpoint.source().equals(source)).reduce((earlier, later) -> later);
        }
    }

    @Test
    void reading_after_a_bare_cursor_value_takes_the_rows_above_it() throws Exception {
        String table = eventsTable();
        insertEvents(table, 1, 10, id -> id);
        try (JdbcTableReader reader = reader(JdbcSourceSettings.TABLE, table, "backfill.map.time", "created_at")) {
            assertThat(ids(reader.readPage(6L).records())).containsExactly(7L, 8L, 9L, 10L);
        }
    }

    @Test
    void reads_a_query_as_a_derived_table_with_the_same_insert_ids_as_its_table() throws Exception {
        String table = eventsTable();
        insertEvents(table, 1, 12, id -> id);
        database().execute("UPDATE " + quoted(table) + " SET \"event_type\" = 'skip' WHERE \"id\" IN (3, 4)");
        List<SourceRecord> fromTable;
        try (JdbcTableReader reader = reader(JdbcSourceSettings.TABLE, table, "backfill.map.time", "created_at")) {
            fromTable = reader.readPage(null).records();
        }
        String query = "SELECT \"id\", \"event_type\", \"user_id\", \"created_at\" AS \"time\" FROM " + quoted(table)
                + " WHERE \"event_type\" <> 'skip';";
        if (database() == TestDatabase.MARIADB) {
            query = query.replace('"', '`');
        }
        try (JdbcTableReader reader = reader(JdbcSourceSettings.QUERY, query, JdbcSourceSettings.KEY_COLUMN, "id",
                JdbcSourceSettings.KEY_TABLE, table, JdbcSourceSettings.PAGE_SIZE, "4")) {
            List<SourceRecord> records = readAll(reader, null, new ArrayList<>());
            assertThat(reader.sourceName()).isEqualTo("query");
            assertThat(ids(records)).containsExactly(1L, 2L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L);
            RowCount count = new RowCount(database().dataSource(), database().password);
            assertThat(reader.rowsFrom(null, count)).as("the query's rows, counted").isEqualTo(10);
            assertThat(reader.rowsFrom(5L, count)).as("those after a cursor value").isEqualTo(7);
            assertThat(value(records.get(0)).get("insert_id")).isEqualTo(value(fromTable.get(0)).get("insert_id"));
            assertThat(value(records.get(0)).get("time")).isEqualTo(value(fromTable.get(0)).get("time"));
        }
    }

    @Test
    void other_columns_can_be_left_out_but_the_key_stays() throws Exception {
        String table = eventsTable();
        insertEvents(table, 1, 1, id -> id);
        try (JdbcTableReader reader = reader(JdbcSourceSettings.TABLE, table, "backfill.map.time", "created_at",
                JdbcSourceSettings.OTHER_COLUMNS, "ignore")) {
            JsonNode event = value(reader.readPage(null).records().get(0));
            assertThat(event.get("event_properties").properties()).extracting(java.util.Map.Entry::getKey).containsExactly("id");
        }
    }

    @Test
    void quotes_table_and_column_names_with_odd_case_spaces_and_quote_characters() throws Exception {
        TestDatabase db = database();
        String table = newTable("Odd Events");
        String weird = "we" + db.quote + "ird";
        db.execute("CREATE TABLE " + quoted(table) + " (\"Row Id\" INT PRIMARY KEY, \"Event Type\" VARCHAR(20), \"User ID\" VARCHAR(20), "
                        + "\"Happened At\" " + db.instant + ", " + quoted(weird) + " VARCHAR(20), \"Event_Type\" VARCHAR(20))",
                "INSERT INTO " + quoted(table) + " VALUES (1, 'Played', 'user-00001', " + db.instantLiteral("2024-03-01T12:00:00Z") + ", 'odd', 'shadowed')",
                "INSERT INTO " + quoted(table) + " VALUES (2, 'Paused', 'user-00001', " + db.instantLiteral("2024-03-01T12:00:01Z") + ", NULL, NULL)");
        try (JdbcTableReader reader = reader(JdbcSourceSettings.TABLE, table.toLowerCase(java.util.Locale.ROOT),
                "backfill.map.event_type", "event type", "backfill.map.user_id", "USER ID", "backfill.map.time", "Happened At",
                JdbcSourceSettings.CURSOR_COLUMN, "happened at")) {
            assertThat(reader.sourceName()).isEqualTo("table " + table);
            List<SourceRecord> records = reader.readPage(null).records();
            assertThat(records).extracting(r -> value(r).get("event_type").asText()).containsExactly("Played", "Paused");
            JsonNode first = value(records.get(0));
            assertThat(first.get("time").asLong()).isEqualTo(BASE.toEpochMilli());
            assertThat(first.get("event_properties").get(weird).asText()).isEqualTo("odd");
            assertThat(first.get("event_properties").get("Row Id").asInt()).isEqualTo(1);
            assertThat(first.get("event_properties").get("Event_Type").asText()).as("a mapped field is not filled twice").isEqualTo("shadowed");
        }
    }

    @Test
    void finds_a_table_named_with_its_schema_or_database() throws Exception {
        String table = eventsTable();
        insertEvents(table, 1, 3, id -> id);
        String qualifier = database() == TestDatabase.MARIADB ? "TEST" : "Public";
        try (JdbcTableReader reader = reader(JdbcSourceSettings.TABLE, qualifier + "." + table, "backfill.map.time", "created_at")) {
            assertThat(reader.sourceName()).isEqualToIgnoringCase("table " + qualifier + "." + table);
            assertThat(ids(reader.readPage(null).records())).containsExactly(1L, 2L, 3L);
        }
    }

    @Test
    void a_name_the_database_does_not_have_is_a_one_line_error_naming_the_setting() throws Exception {
        String table = eventsTable();
        String victim = newTable("victim");
        database().execute("CREATE TABLE " + quoted(victim) + " (\"id\" INT)");
        String time = "backfill.map.time";
        assertSettingError(JdbcSourceSettings.TABLE, JdbcSourceSettings.TABLE, "no_such_table");
        assertSettingError(JdbcSourceSettings.CURSOR_COLUMN, JdbcSourceSettings.TABLE, table, time, "created_at",
                JdbcSourceSettings.CURSOR_COLUMN, "creatd_at");
        assertSettingError("backfill.map.user_id", JdbcSourceSettings.TABLE, table, time, "created_at", "backfill.map.user_id", "customer");
        assertSettingError(JdbcSourceSettings.KEY_COLUMN, JdbcSourceSettings.TABLE, table, time, "created_at", JdbcSourceSettings.KEY_COLUMN, "nope");
        assertSettingError(time, JdbcSourceSettings.TABLE, table);
        assertSettingError(JdbcSourceSettings.CURSOR_COLUMN, JdbcSourceSettings.TABLE, table, time, "created_at",
                JdbcSourceSettings.CURSOR_COLUMN, "event_properties");
        assertSettingError(JdbcSourceSettings.KEY_TABLE, JdbcSourceSettings.QUERY, "SELECT * FROM " + quotedForReader(table),
                JdbcSourceSettings.KEY_COLUMN, "id", time, "created_at");
        String injection = victim + "\"; DROP TABLE \"" + victim;
        assertSettingError(JdbcSourceSettings.TABLE, JdbcSourceSettings.TABLE, injection);
        try (Connection c = database().connect(); var rows = c.createStatement().executeQuery("SELECT COUNT(*) FROM " + quoted(victim))) {
            assertThat(rows.next()).as("a name is looked up, never run").isTrue();
        }
    }

    @Test
    void a_key_that_does_not_grow_is_not_the_cursor_unless_named() throws Exception {
        TestDatabase db = database();
        for (String keyType : List.of("UUID", "VARCHAR(40)")) {
            String table = newTable("keys");
            db.execute("CREATE TABLE " + quoted(table) + " (\"id\" " + keyType + " PRIMARY KEY, \"event_type\" VARCHAR(20), "
                    + "\"user_id\" VARCHAR(20), \"time\" " + db.instant + ")");
            try (Connection c = db.connect(); PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO " + quoted(table) + " VALUES (?, 'Played', 'user-00001', ?)")) {
                for (int i = 0; i < 5; i++) {
                    UUID id = UUID.randomUUID();
                    insert.setObject(1, keyType.equals("UUID") ? id : id.toString());
                    insert.setObject(2, timeParameter(BASE.plusSeconds(i)));
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            String typeName; // as the database names it: uuid, UUID, varchar, CHARACTER VARYING
            try (Connection c = db.connect(); var rows = c.createStatement().executeQuery("SELECT \"id\" FROM " + quoted(table) + " WHERE 1 = 0")) {
                typeName = rows.getMetaData().getColumnTypeName(1);
            }

            String message = assertSettingError(JdbcSourceSettings.CURSOR_COLUMN, JdbcSourceSettings.TABLE, table);
            assertThat(message).isEqualTo(JdbcSourceSettings.CURSOR_COLUMN + ": not set, and the primary key id of table " + table
                    + " has type " + typeName + ", whose values do not grow as rows are added: a later run would miss new rows"
                    + " with smaller keys. Name a column that only grows (an id sequence, a creation time), or set it to id"
                    + " to read in key order anyway");
            assertThat(assertSettingError(JdbcSourceSettings.CURSOR_COLUMN, JdbcSourceSettings.QUERY, "SELECT * FROM " + quotedForReader(table),
                    JdbcSourceSettings.KEY_COLUMN, "id")).as("a key named for a query is no cursor either")
                    .startsWith(JdbcSourceSettings.CURSOR_COLUMN + ": not set, and the key column id of query has type " + typeName + ",");
            try (JdbcTableReader reader = reader(JdbcSourceSettings.TABLE, table, JdbcSourceSettings.CURSOR_COLUMN, "id",
                    JdbcSourceSettings.PAGE_SIZE, "2")) {
                List<SourceRecord> records = readAll(reader, null, new ArrayList<>());
                assertThat(records).as(keyType + " key named as the cursor").hasSize(5).allMatch(Records::isTree);
                assertThat(insertIds(records)).hasSize(5);
            }
        }
    }

    String quotedForReader(String name) {
        return database().quote + name + database().quote;
    }

    /** Opening a reader with these name, value pairs fails with a one-line error naming expectedSetting: its message. */
    String assertSettingError(String expectedSetting, String... pairs) {
        Throwable thrown = catchThrowable(() -> reader(pairs).close());
        assertThat(thrown).isInstanceOfSatisfying(BadSettingException.class, e -> {
            assertThat(e.setting()).isEqualTo(expectedSetting);
            assertThat(e.getMessage()).startsWith(expectedSetting + ": ").doesNotContain("\n");
        });
        return thrown.getMessage();
    }

    @Test
    void the_password_never_appears_in_an_error() {
        TestDatabase db = database();
        String secret = "Hunter2-Secret";
        String url = switch (db) {
            case H2 -> "jdbc:h2:tcp://127.0.0.1:1/mem:nothing;PASSWORD=" + secret;
            case POSTGRES -> "jdbc:postgresql://127.0.0.1:1/test?password=" + secret + "&connectTimeout=1";
            case MARIADB -> "jdbc:mariadb://127.0.0.1:1/test?password=" + secret + "&connectTimeout=1000";
        };
        JdbcSourceSettings settings = JdbcSourceSettings.from(TestDatabase.properties(JdbcSourceSettings.URL, url,
                JdbcSourceSettings.USER, db.user, JdbcSourceSettings.PASSWORD, secret, JdbcSourceSettings.TABLE, "events"),
                name -> java.util.Optional.empty());
        assertThat(settings.toString()).doesNotContain(secret).contains("****");
        assertThatThrownBy(() -> new JdbcTableReader(settings.dataSource(), settings))
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(fullText(e)).doesNotContain(secret));
    }

    @Test
    void a_wrong_password_is_not_repeated_in_the_error() {
        TestDatabase db = database();
        String secret = "Wr0ng-Password-Value";
        JdbcSourceSettings settings = JdbcSourceSettings.from(TestDatabase.properties(JdbcSourceSettings.URL, db.url,
                JdbcSourceSettings.USER, db.user, JdbcSourceSettings.PASSWORD, secret, JdbcSourceSettings.TABLE, "events"),
                name -> java.util.Optional.empty());
        try {
            new JdbcTableReader(settings.dataSource(), settings).close();
        } catch (SQLException | BadSettingException e) {
            // PostgreSQL here trusts local connections and takes any password: then the table error is what comes back
            assertThat(fullText(e)).doesNotContain(secret);
        }
    }

    static String fullText(Throwable e) {
        StringWriter text = new StringWriter();
        e.printStackTrace(new PrintWriter(text));
        return text + " " + e;
    }

    /** For the subclasses' own checks. */
    static Set<String> insertIds(List<SourceRecord> records) {
        Set<String> ids = new HashSet<>();
        records.forEach(r -> ids.add(value(r).get("insert_id").asText()));
        return ids;
    }
}

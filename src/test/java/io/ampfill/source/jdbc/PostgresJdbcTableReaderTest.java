package io.ampfill.source.jdbc;

import io.ampfill.source.Records;
import com.fasterxml.jackson.databind.JsonNode;
import io.ampfill.source.SourceRecord;
import io.ampfill.source.jdbc.JdbcTableReader.Page;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static io.ampfill.source.Records.reason;
import static io.ampfill.source.Records.value;
import static io.ampfill.source.jdbc.TestDatabase.quoted;
import static org.assertj.core.api.Assertions.assertThat;

/** The JDBC reader on PostgreSQL (TIMESTAMPTZ and JSONB columns); skipped when no server is reachable. */
class PostgresJdbcTableReaderTest extends JdbcTableReaderContract {
    private static final int ROWS = 100_000;

    @Override
    TestDatabase database() {
        return TestDatabase.POSTGRES;
    }

    @Test
    void reads_a_hundred_thousand_rows_once_each_in_cursor_order() throws Exception {
        String table = newTable("big");
        // three rows per second of created_at, so every page boundary falls among ties
        database().execute("CREATE TABLE " + quoted(table) + " (id BIGINT PRIMARY KEY, event_type TEXT NOT NULL, user_id TEXT, "
                        + "device_id TEXT, created_at TIMESTAMPTZ NOT NULL, event_properties JSONB)",
                "INSERT INTO " + quoted(table) + " SELECT g, 'Played Song', 'user-' || lpad((g % 5000)::text, 5, '0'), 'device-' || (g % 20000), "
                        + "TIMESTAMPTZ '2024-03-01 12:00:00+00' + (g / 3) * INTERVAL '1 second', "
                        + "jsonb_build_object('song', 'song-' || g, 'seconds', g % 300) FROM generate_series(1, " + ROWS + ") g",
                "CREATE INDEX ON " + quoted(table) + " (created_at)",
                "ANALYZE " + quoted(table));
        for (String pass : List.of("first pass (JIT warming up)", "second pass")) {
            long started = System.nanoTime();
            long count = 0;
            long previousId = 0;
            long previousTime = Long.MIN_VALUE;
            int pages = 0;
            Set<String> insertIds = new HashSet<>(2 * ROWS);
            try (JdbcTableReader reader = reader(JdbcSourceSettings.TABLE, table, "backfill.map.time", "created_at",
                    JdbcSourceSettings.CURSOR_COLUMN, "created_at")) {
                Object position = null;
                Page page;
                do {
                    page = reader.readPage(position);
                    pages++;
                    for (SourceRecord record : page.records()) {
                        JsonNode event = value(record);
                        long id = record.line();
                        long time = event.get("time").asLong();
                        // plain checks: an assertion object per row would cost more than reading it
                        if (id != previousId + 1 || time < previousTime || (time == previousTime && id <= previousId)) {
                            throw new AssertionError("row " + id + " (time " + time + ") read after row " + previousId + " (time " + previousTime + ")");
                        }
                        insertIds.add(event.get("insert_id").asText());
                        previousId = id;
                        previousTime = time;
                        count++;
                    }
                    position = page.lastCursor();
                } while (page.full());
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            assertThat(count).isEqualTo(ROWS);
            assertThat(insertIds).hasSize(ROWS);
            assertThat(previousTime).isEqualTo(Instant.parse("2024-03-01T12:00:00Z").plusSeconds(ROWS / 3).toEpochMilli());
            System.out.printf("PostgreSQL, %s: %d rows in %d pages of 1000 in %.2f s: %.0f rows/s%n", pass, count, pages, seconds, count / seconds);
        }
    }

    @Test
    void a_count_that_takes_long_is_cancelled_at_once_when_the_run_stops() throws Exception {
        String table = newTable("slow");
        database().execute("CREATE TABLE " + quoted(table) + " (id INT PRIMARY KEY, event_type TEXT, user_id TEXT, time TIMESTAMPTZ)",
                "INSERT INTO " + quoted(table) + " VALUES (1, 'Played', 'user-00001', '2024-03-01 12:00:00+00')");
        // a query whose row comes after a minute (the sleep is per row: describing the query does not wait for it)
        String query = "SELECT * FROM " + quoted(table) + " WHERE (SELECT COUNT(*) FROM pg_sleep(60 * id)) = 1";
        try (JdbcTableReader reader = reader(JdbcSourceSettings.QUERY, query, JdbcSourceSettings.KEY_COLUMN, "id",
                JdbcSourceSettings.KEY_TABLE, table)) {
            RowCount count = new RowCount(database().dataSource(), database().password);
            java.util.concurrent.CompletableFuture<Long> counting = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return reader.rowsFrom(null, count);
                } catch (java.sql.SQLException e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
            Thread.sleep(500); // the count is running in the database
            long cancelledAt = System.nanoTime();
            count.cancel();

            assertThat(counting).failsWithin(java.time.Duration.ofSeconds(10))
                    .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .withMessageContaining("canceling statement due to user request");
            assertThat((System.nanoTime() - cancelledAt) / 1_000_000).as("ms from the cancel to the count's end").isLessThan(5_000);
        }
    }

    @Test
    void pages_and_names_rows_by_a_uuid_key() throws Exception {
        String table = newTable("uuids");
        UUID bad = UUID.fromString("6f1c2a9e-0000-4000-8000-000000000002");
        database().execute("CREATE TABLE " + quoted(table) + " (id UUID PRIMARY KEY, event_type TEXT, device_id TEXT, "
                        + "time TIMESTAMPTZ, user_properties JSONB)",
                "INSERT INTO " + quoted(table) + " VALUES ('6f1c2a9e-0000-4000-8000-000000000001', 'Opened', 'device-1', "
                        + "'2024-03-01 12:00:00+00', '{\"tier\": \"gold\"}')",
                "INSERT INTO " + quoted(table) + " VALUES ('" + bad + "', NULL, 'device-1', '2024-03-01 12:00:00+00', NULL)",
                "INSERT INTO " + quoted(table) + " VALUES ('6f1c2a9e-0000-4000-8000-000000000003', 'Closed', 'device-1', "
                        + "'2024-03-01 12:00:00+00', NULL)");
        try (JdbcTableReader reader = reader(JdbcSourceSettings.TABLE, table, JdbcSourceSettings.CURSOR_COLUMN, "time",
                JdbcSourceSettings.PAGE_SIZE, "1")) {
            List<SourceRecord> records = readAll(reader, null, new java.util.ArrayList<>());
            assertThat(records).hasSize(3);
            assertThat(value(records.get(0)).get("user_properties").get("tier").asText()).isEqualTo("gold");
            assertThat(reason(records.get(1))).isEqualTo("table " + table + ", id " + bad + ": event_type is NULL");
            assertThat(value(records.get(2)).get("event_type").asText()).isEqualTo("Closed");
        }
    }

    @Test
    void a_row_with_an_infinite_timestamp_is_a_bad_row_not_the_end_of_the_run() throws Exception {
        String table = newTable("infinity");
        database().execute("CREATE TABLE " + quoted(table) + " (id INT PRIMARY KEY, event_type TEXT, user_id TEXT, "
                        + "time TIMESTAMP, seen TIMESTAMPTZ, day DATE)",
                "INSERT INTO " + quoted(table) + " VALUES (1, 'Played', 'user-00001', 'infinity', '2024-03-01 12:00:00+00', '2024-03-01')",
                "INSERT INTO " + quoted(table) + " VALUES (2, 'Played', 'user-00001', '2024-03-01 12:00:00', '-infinity', '2024-03-01')",
                "INSERT INTO " + quoted(table) + " VALUES (3, 'Played', 'user-00001', '2024-03-01 12:00:00', '2024-03-01 12:00:00+00', 'infinity')",
                "INSERT INTO " + quoted(table) + " VALUES (4, 'Played', 'user-00001', '2024-03-01 12:00:00', '2024-03-01 12:00:00+00', '2024-03-01')");
        try (JdbcTableReader reader = reader(JdbcSourceSettings.TABLE, table)) {
            List<SourceRecord> records = reader.readPage(null).records();
            String name = "table " + table;
            assertThat(records).extracting(Records::reason).containsExactly(
                    name + ", id 1: column time is not a valid timestamp (beyond the years epoch milliseconds hold): infinity",
                    name + ", id 2: column seen is not a valid timestamp tz (beyond the years epoch milliseconds hold): -infinity",
                    name + ", id 3: column day is not a valid date (beyond the years epoch milliseconds hold): infinity",
                    null);
            assertThat(value(records.get(3)).get("time").asLong()).isEqualTo(Instant.parse("2024-03-01T12:00:00Z").toEpochMilli());
        }
    }

    @Test
    void a_row_with_a_number_json_cannot_hold_is_refused_with_the_column_and_the_value() throws Exception {
        String table = newTable("infinite");
        database().execute("CREATE TABLE " + quoted(table) + " (id INT PRIMARY KEY, event_type TEXT, user_id TEXT, "
                        + "time TIMESTAMPTZ, ratio DOUBLE PRECISION, big NUMERIC)",
                "INSERT INTO " + quoted(table) + " VALUES (1, 'Played', 'user-00001', '2024-03-01 12:00:00+00', 'Infinity', 1)",
                "INSERT INTO " + quoted(table) + " VALUES (2, 'Played', 'user-00001', '2024-03-01 12:00:00+00', 'NaN', 1)",
                "INSERT INTO " + quoted(table) + " VALUES (3, 'Played', 'user-00001', '2024-03-01 12:00:00+00', 0.5, 1e400)",
                "INSERT INTO " + quoted(table) + " VALUES (4, 'Played', 'user-00001', '2024-03-01 12:00:00+00', 0.5, 12.50)");
        try (JdbcTableReader reader = reader(JdbcSourceSettings.TABLE, table)) {
            List<SourceRecord> records = reader.readPage(null).records();
            String name = "table " + table;
            assertThat(reason(records.get(0))).isEqualTo(name + ", id 1: column ratio is not a finite number: Infinity");
            assertThat(reason(records.get(1))).isEqualTo(name + ", id 2: column ratio is not a finite number: NaN");
            io.ampfill.event.TreeMapper mapper = new io.ampfill.event.TreeMapper(new io.ampfill.event.MappingSettings());
            assertThat(mapper.map(value(records.get(2)))).isInstanceOfSatisfying(io.ampfill.event.Rejection.class,
                    r -> assertThat(r.reason()).startsWith("number too large to send: event_properties.big is 1000000000"));
            assertThat(mapper.map(value(records.get(3)))).isInstanceOf(io.ampfill.event.MappedEvent.class);
        }
    }
}

package io.ampfill.source.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import io.ampfill.source.SourceRecord;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Instant;
import java.util.List;

import static io.ampfill.source.Records.isTree;
import static io.ampfill.source.Records.raw;
import static io.ampfill.source.Records.reason;
import static io.ampfill.source.Records.value;
import static io.ampfill.source.jdbc.TestDatabase.quoted;
import static org.assertj.core.api.Assertions.assertThat;

/** The JDBC reader on MariaDB (DATETIME, TIMESTAMP, JSON and TEXT columns); skipped when no server is reachable. */
class MariaDbJdbcTableReaderTest extends JdbcTableReaderContract {
    @Override
    TestDatabase database() {
        return TestDatabase.MARIADB;
    }

    @Test
    void reads_datetime_as_utc_and_json_held_in_text_columns() throws Exception {
        String table = newTable("maria");
        database().execute("CREATE TABLE " + quoted(table) + " (id INT AUTO_INCREMENT PRIMARY KEY, event_type VARCHAR(40), "
                        + "user_id VARCHAR(40), happened DATETIME(3), event_properties LONGTEXT, user_properties TEXT, extra JSON)",
                "INSERT INTO " + quoted(table) + " (event_type, user_id, happened, event_properties, user_properties, extra) VALUES "
                        + "('Played', 'user-00001', '2024-03-01 12:00:00.125', '{\"song\":\"Blue\"}', '{\"tier\":\"gold\"}', '{\"a\":[1,2]}'), "
                        + "('Played', 'user-00001', '2024-03-01 12:00:01', '{not json', NULL, NULL)");
        try (JdbcTableReader reader = reader(JdbcSourceSettings.TABLE, table, "backfill.map.time", "happened",
                JdbcSourceSettings.CURSOR_COLUMN, "happened")) {
            List<SourceRecord> records = reader.readPage(null).records();
            JsonNode event = value(records.get(0));
            assertThat(event.get("time").asLong()).isEqualTo(Instant.parse("2024-03-01T12:00:00.125Z").toEpochMilli());
            assertThat(event.get("event_properties").get("song").asText()).isEqualTo("Blue");
            assertThat(event.get("event_properties").get("extra").get("a").isArray()).as("a JSON column is parsed").isTrue();
            assertThat(event.get("user_properties").get("tier").asText()).isEqualTo("gold");
            assertThat(reason(records.get(1))).startsWith("table " + table + ", id 2: event_properties is not valid JSON");
            JsonNode raw = JSON.readTree(raw(records.get(1)));
            assertThat(raw.get("event_properties").asText()).isEqualTo("{not json");
            assertThat(raw.get("id").asInt()).as("the other columns stay beside the broken text").isEqualTo(2);
        }
    }

    @Test
    void a_zero_date_is_a_bad_row_not_a_missing_time() throws Exception {
        String table = newTable("zero");
        try (Connection c = database().connect(); var statement = c.createStatement()) {
            statement.execute("CREATE TABLE " + quoted(table) + " (id INT PRIMARY KEY, event_type VARCHAR(40), user_id VARCHAR(40), time DATETIME)");
            statement.execute("SET SESSION sql_mode = 'ANSI_QUOTES'");
            statement.execute("INSERT INTO " + quoted(table) + " VALUES (1, 'Played', 'user-00001', '0000-00-00 00:00:00'), "
                    + "(2, 'Played', 'user-00001', '2024-03-01 12:00:00')");
        }
        try (JdbcTableReader reader = reader(JdbcSourceSettings.TABLE, table)) {
            List<SourceRecord> records = reader.readPage(null).records();
            assertThat(reason(records.get(0))).isEqualTo("table " + table + ", id 1: column time is not a valid timestamp: 0000-00-00 00:00:00");
            assertThat(isTree(records.get(1))).isTrue();
        }
    }
}

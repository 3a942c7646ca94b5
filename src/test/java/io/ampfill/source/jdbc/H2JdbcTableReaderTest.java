package io.ampfill.source.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static io.ampfill.source.Records.value;
import static io.ampfill.source.jdbc.TestDatabase.quoted;
import static org.assertj.core.api.Assertions.assertThat;

/** The JDBC reader on embedded H2: always runs. */
class H2JdbcTableReaderTest extends JdbcTableReaderContract {
    @Override
    TestDatabase database() {
        return TestDatabase.H2;
    }

    @Test
    void finds_upper_case_names_of_unquoted_identifiers() throws Exception {
        String table = newTable("plain");
        database().execute("CREATE TABLE " + quoted(table) + " (ID INT PRIMARY KEY, EVENT_TYPE VARCHAR(20), USER_ID VARCHAR(20), "
                        + "EVENT_TIME TIMESTAMP WITH TIME ZONE, PRODUCTID VARCHAR(20), PLAN_NAME VARCHAR(20))",
                "INSERT INTO " + quoted(table) + " VALUES (1, 'Played', 'user-00001', TIMESTAMP WITH TIME ZONE '2024-03-01 12:00:00+00:00', 'sku-1', 'pro')");
        try (JdbcTableReader reader = reader(JdbcSourceSettings.TABLE, table)) {
            JsonNode event = value(reader.readPage(null).records().get(0));
            assertThat(event.get("event_type").asText()).isEqualTo("Played");
            assertThat(event.get("time").asLong()).as("an export name (event_time) fills its upload field").isEqualTo(BASE.toEpochMilli());
            assertThat(event.get("productId").asText()).as("Amplitude's spelling").isEqualTo("sku-1");
            assertThat(event.get("event_properties").get("PLAN_NAME").asText()).as("other columns keep the stored name").isEqualTo("pro");
        }
    }
}

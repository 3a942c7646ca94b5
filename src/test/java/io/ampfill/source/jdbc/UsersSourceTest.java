package io.ampfill.source.jdbc;

import io.ampfill.setting.BadSettingException;
import io.ampfill.source.Records;
import com.fasterxml.jackson.databind.JsonNode;
import io.ampfill.event.TreeMapper;
import io.ampfill.event.MappedEvent;
import io.ampfill.event.MappingSettings;
import io.ampfill.source.SourceRecord;
import io.ampfill.source.jdbc.JdbcTableReader.Page;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static io.ampfill.source.Records.reason;
import static io.ampfill.source.Records.value;
import static io.ampfill.source.jdbc.TestDatabase.properties;
import static io.ampfill.source.jdbc.TestDatabase.quoted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UsersSourceTest {
    private static final int USERS = 10_000;
    private static final Instant BASE = Instant.parse("2023-01-01T00:00:00Z");

    @TempDir
    Path dir;

    /** Four users per second of creation time, so pages end among users created at the same instant. */
    private static Instant createdAt(int user) {
        return BASE.plusSeconds(user / 4);
    }

    private static String userId(int user) {
        return String.format("user-%05d", user);
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void makes_one_signup_per_user_at_its_creation_time_with_a_stable_insert_id(TestDatabase db) throws Exception {
        db.assumeReachable();
        String table = TestDatabase.tableName("users");
        try {
            db.execute("CREATE TABLE " + quoted(table) + " (\"id\" INT PRIMARY KEY, \"user_id\" VARCHAR(40) NOT NULL, "
                    + "\"created_at\" " + db.instant + ", \"plan\" VARCHAR(20), \"country\" VARCHAR(20), \"password_hash\" VARCHAR(100))");
            List<Integer> users = new ArrayList<>();
            for (int i = 1; i <= USERS; i++) {
                users.add(i);
            }
            Collections.shuffle(users, new Random(7));
            try (Connection c = db.connect(); PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO " + quoted(table) + " VALUES (?, ?, ?, ?, ?, 'not for amplitude')")) {
                for (int i : users) {
                    insert.setInt(1, i);
                    insert.setString(2, userId(i));
                    insert.setObject(3, db == TestDatabase.MARIADB
                            ? java.time.LocalDateTime.ofInstant(createdAt(i), java.time.ZoneOffset.UTC)
                            : createdAt(i).atOffset(java.time.ZoneOffset.UTC));
                    insert.setString(4, i % 3 == 0 ? "pro" : "free");
                    insert.setString(5, i % 2 == 0 ? "NZ" : null);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            UsersSettings settings = UsersSettings.from(properties(UsersSettings.TABLE, table.toUpperCase(java.util.Locale.ROOT),
                    UsersSettings.PROPERTIES_COLUMNS, "plan, country")).orElseThrow();

            List<SourceRecord> first = readAll(settings, db);
            assertThat(first).hasSize(USERS).allMatch(Records::isTree);
            for (int i = 1; i <= USERS; i++) {
                JsonNode signup = value(first.get(i - 1));
                if (!signup.get("user_id").asText().equals(userId(i))
                        || signup.get("time").asLong() != createdAt(i).toEpochMilli()
                        || !signup.get("insert_id").asText().equals(DerivedInsertId.ofSignup(userId(i)))) {
                    throw new AssertionError("signup " + i + " is " + signup);
                }
            }
            JsonNode third = value(first.get(2));
            assertThat(third.get("event_type").asText()).isEqualTo("Signed Up");
            assertThat(third.get("user_properties").get("plan").asText()).isEqualTo("pro");
            assertThat(third.get("user_properties").has("country")).as("NULL is left out").isFalse();
            assertThat(third.has("password_hash") || third.get("user_properties").has("password_hash")).as("only the named columns").isFalse();
            assertThat(new TreeMapper(new MappingSettings()).map(third)).isInstanceOf(MappedEvent.class);

            List<SourceRecord> second = readAll(settings, db);
            assertThat(second).extracting(r -> value(r).get("insert_id").asText())
                    .isEqualTo(first.stream().map(r -> value(r).get("insert_id").asText()).toList())
                    .doesNotHaveDuplicates();
        } finally {
            db.dropQuietly(table);
        }
    }

    private static List<SourceRecord> readAll(UsersSettings settings, TestDatabase db) throws Exception {
        List<SourceRecord> all = new ArrayList<>();
        try (UsersSource source = UsersSource.open(settings, db == null ? null : db.dataSource())) {
            Object position = null;
            Page page;
            do {
                page = source.readPage(position);
                all.addAll(page.records());
                position = page.lastCursor();
            } while (page.full());
        }
        return all;
    }

    @Test
    void a_user_without_an_id_is_a_bad_record_and_users_without_a_creation_time_are_counted() throws Exception {
        TestDatabase db = TestDatabase.H2;
        String table = TestDatabase.tableName("users");
        try {
            db.execute("CREATE TABLE " + quoted(table) + " (\"user_id\" BIGINT, \"signed_up\" DATE)",
                    "INSERT INTO " + quoted(table) + " VALUES (100042, DATE '2023-05-01'), (NULL, DATE '2023-05-02'), (100043, NULL)");
            UsersSettings settings = UsersSettings.from(properties(UsersSettings.TABLE, table,
                    UsersSettings.CREATED_COLUMN, "signed_up", UsersSettings.EVENT_TYPE, "Account Created")).orElseThrow();
            try (UsersSource source = UsersSource.open(settings, db.dataSource())) {
                List<SourceRecord> records = source.readPage(null).records();
                assertThat(records).hasSize(2);
                JsonNode signup = value(records.get(0));
                assertThat(signup.get("user_id").asText()).as("a numeric id is sent as text").isEqualTo("100042");
                assertThat(signup.get("event_type").asText()).isEqualTo("Account Created");
                assertThat(signup.get("time").asLong()).isEqualTo(Instant.parse("2023-05-01T00:00:00Z").toEpochMilli());
                assertThat(records.get(0).line()).isEqualTo(100042);
                assertThat(reason(records.get(1))).isEqualTo("users table " + table + ", a row with signed_up 2023-05-02: user_id is NULL");
                assertThat(source.rowsWithoutCursor()).isEqualTo(1);
                assertThat(source.sourceName()).isEqualTo("users table " + table);
            }
        } finally {
            db.dropQuietly(table);
        }
    }

    @Test
    void reads_users_from_a_csv_file_in_pages_with_the_same_insert_ids() throws Exception {
        Path csv = dir.resolve("users.csv");
        StringBuilder text = new StringBuilder("User_Id,created_at,plan\n");
        for (int i = 1; i <= USERS; i++) {
            text.append(userId(i)).append(',').append(createdAt(i)).append(',').append(i % 3 == 0 ? "pro" : "").append('\n');
        }
        text.append(",2023-01-01T00:00:00Z,free\n");
        Files.writeString(csv, text);
        UsersSettings settings = UsersSettings.from(properties(UsersSettings.CSV, csv.toString(),
                UsersSettings.PROPERTIES_COLUMNS, "plan", UsersSettings.PAGE_SIZE, "3000")).orElseThrow();

        List<SourceRecord> records = readAll(settings, null);
        assertThat(records).hasSize(USERS + 1);
        TreeMapper mapper = new TreeMapper(new MappingSettings());
        for (int i = 1; i <= USERS; i++) {
            SourceRecord record = records.get(i - 1);
            MappedEvent event = (MappedEvent) mapper.map(value(record));
            if (!event.userId().equals(userId(i)) || !event.insertId().equals(DerivedInsertId.ofSignup(userId(i)))
                    || record.line() != i + 1) {
                throw new AssertionError("signup " + i + " is " + record);
            }
        }
        assertThat(value(records.get(2)).get("user_properties").get("plan").asText()).isEqualTo("pro");
        assertThat(reason(records.get(USERS))).isEqualTo("users file users.csv, line " + (USERS + 2) + ": user_id is empty");

        try (UsersSource source = UsersSource.open(settings, null)) {
            Page resumed = source.readPage(CursorPosition.parse(new CursorPosition(5000L + 1, List.of()).toText()));
            assertThat(value(resumed.records().get(0)).get("user_id").asText()).as("after line 5001").isEqualTo(userId(5001));
        }
    }

    @Test
    void reads_its_settings_and_names_the_one_at_fault() throws IOException, SQLException {
        assertThat(UsersSettings.from(properties())).isEmpty();
        UsersSettings settings = UsersSettings.from(properties(UsersSettings.TABLE, "users")).orElseThrow();
        assertThat(settings.idColumn()).isEqualTo("user_id");
        assertThat(settings.createdColumn()).isEqualTo("created_at");
        assertThat(settings.propertiesColumns()).isEmpty();
        assertThat(settings.eventType()).isEqualTo("Signed Up");
        assertThat(settings.pageSize()).isEqualTo(1000);

        assertThatThrownBy(() -> UsersSettings.from(properties(UsersSettings.TABLE, "users", UsersSettings.CSV, "u.csv")))
                .isInstanceOfSatisfying(BadSettingException.class, e -> assertThat(e.setting()).isEqualTo(UsersSettings.CSV));
        assertThatThrownBy(() -> UsersSource.open(UsersSettings.from(properties(UsersSettings.CSV, dir.resolve("none.csv").toString())).orElseThrow(), null))
                .isInstanceOfSatisfying(BadSettingException.class, e -> assertThat(e.setting()).isEqualTo(UsersSettings.CSV));

        TestDatabase db = TestDatabase.H2;
        String table = TestDatabase.tableName("users");
        try {
            db.execute("CREATE TABLE " + quoted(table) + " (\"user_id\" VARCHAR(20), \"created_at\" TIMESTAMP)");
            Optional<UsersSettings> wrongColumn = UsersSettings.from(properties(UsersSettings.TABLE, table, UsersSettings.PROPERTIES_COLUMNS, "plan"));
            assertThatThrownBy(() -> UsersSource.open(wrongColumn.orElseThrow(), db.dataSource()))
                    .isInstanceOfSatisfying(BadSettingException.class, e -> {
                        assertThat(e.setting()).isEqualTo(UsersSettings.PROPERTIES_COLUMNS);
                        assertThat(e.getMessage()).contains("no column \"plan\"").doesNotContain("\n");
                    });
        } finally {
            db.dropQuietly(table);
        }
    }
}

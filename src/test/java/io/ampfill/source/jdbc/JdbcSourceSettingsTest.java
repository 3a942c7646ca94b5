package io.ampfill.source.jdbc;

import io.ampfill.setting.BadSettingException;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import static io.ampfill.source.jdbc.TestDatabase.properties;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JdbcSourceSettingsTest {
    private static final Function<String, Optional<String>> NO_ENV = name -> Optional.empty();

    @Test
    void reads_the_jdbc_and_map_settings_with_their_defaults() {
        JdbcSourceSettings settings = JdbcSourceSettings.from(properties(
                "backfill.jdbc.url", "jdbc:postgresql://db:5432/app", "backfill.jdbc.user", "reader",
                "backfill.jdbc.password", "s3cret-pass", "backfill.jdbc.table", "public.events",
                "backfill.map.user_id", "customer_id", "backfill.map.time", " occurred_at "), NO_ENV);
        assertThat(settings.url()).isEqualTo("jdbc:postgresql://db:5432/app");
        assertThat(settings.user()).isEqualTo("reader");
        assertThat(settings.password()).isEqualTo("s3cret-pass");
        assertThat(settings.table()).isEqualTo("public.events");
        assertThat(settings.query()).isNull();
        assertThat(settings.cursorColumn()).as("default: the primary key").isNull();
        assertThat(settings.keyColumns()).isEmpty();
        assertThat(settings.pageSize()).isEqualTo(1000);
        assertThat(settings.unknownColumnsToEventProperties()).isTrue();
        assertThat(settings.fieldToColumn()).isEqualTo(Map.of("user_id", "customer_id", "time", "occurred_at"));
    }

    @Test
    void takes_the_password_from_the_environment_when_the_setting_is_empty() {
        JdbcSourceSettings settings = JdbcSourceSettings.from(properties("backfill.jdbc.url", "jdbc:h2:mem:x",
                "backfill.jdbc.password", "", "backfill.jdbc.table", "events"),
                name -> name.equals("BACKFILL_JDBC_PASSWORD") ? Optional.of("from-env-pass") : Optional.empty());
        assertThat(settings.password()).isEqualTo("from-env-pass");
    }

    @Test
    void never_shows_the_password_and_masks_it_in_the_url() {
        JdbcSourceSettings settings = JdbcSourceSettings.from(properties(
                "backfill.jdbc.url", "jdbc:postgresql://db/app?user=x&password=url-secret-1&ssl=true",
                "backfill.jdbc.password", "prop-secret-2", "backfill.jdbc.table", "events"), NO_ENV);
        assertThat(settings.toString()).doesNotContain("url-secret-1").doesNotContain("prop-secret-2")
                .contains("password=****&ssl=true");
        assertThat(settings.dataSource().toString()).doesNotContain("url-secret-1").doesNotContain("prop-secret-2");
    }

    @Test
    void a_query_needs_a_key_column_and_loses_its_trailing_semicolon() {
        Function<String, Optional<String>> withoutKey = properties("backfill.jdbc.url", "jdbc:h2:mem:x",
                "backfill.jdbc.query", "SELECT * FROM events");
        assertThatThrownBy(() -> JdbcSourceSettings.from(withoutKey, NO_ENV))
                .isInstanceOfSatisfying(BadSettingException.class, e -> assertThat(e.setting()).isEqualTo("backfill.jdbc.key-column"));
        JdbcSourceSettings settings = JdbcSourceSettings.from(properties("backfill.jdbc.url", "jdbc:h2:mem:x",
                "backfill.jdbc.query", "SELECT * FROM events ; ", "backfill.jdbc.key-column", "order_id, line_no"), NO_ENV);
        assertThat(settings.query()).isEqualTo("SELECT * FROM events");
        assertThat(settings.keyColumns()).containsExactly("order_id", "line_no");
    }

    @Test
    void a_setting_that_cannot_be_used_is_named_in_a_one_line_error() {
        assertError("backfill.jdbc.url", "backfill.jdbc.table", "events");
        assertError("backfill.jdbc.url", "backfill.jdbc.url", "postgresql://db/app", "backfill.jdbc.table", "events");
        assertError("backfill.jdbc.table", "backfill.jdbc.url", "jdbc:h2:mem:x");
        assertError("backfill.jdbc.query", "backfill.jdbc.url", "jdbc:h2:mem:x", "backfill.jdbc.table", "t", "backfill.jdbc.query", "SELECT 1");
        assertError("backfill.jdbc.page-size", "backfill.jdbc.url", "jdbc:h2:mem:x", "backfill.jdbc.table", "t", "backfill.jdbc.page-size", "0");
        assertError("backfill.jdbc.page-size", "backfill.jdbc.url", "jdbc:h2:mem:x", "backfill.jdbc.table", "t", "backfill.jdbc.page-size", "lots");
        assertError("backfill.jdbc.other-columns", "backfill.jdbc.url", "jdbc:h2:mem:x", "backfill.jdbc.table", "t",
                "backfill.jdbc.other-columns", "drop");
    }

    private static void assertError(String setting, String... pairs) {
        assertThatThrownBy(() -> JdbcSourceSettings.from(properties(pairs), NO_ENV))
                .isInstanceOfSatisfying(BadSettingException.class, e -> {
                    assertThat(e.setting()).isEqualTo(setting);
                    assertThat(e.getMessage()).startsWith(setting + ": ").doesNotContain("\n");
                });
    }
}

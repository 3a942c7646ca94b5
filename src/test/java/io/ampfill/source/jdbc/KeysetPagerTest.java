package io.ampfill.source.jdbc;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.util.List;

import static io.ampfill.source.jdbc.TestDatabase.quoted;
import static org.assertj.core.api.Assertions.assertThat;

/** The paging SQL: only names the database returned, quoted; every value a placeholder. */
class KeysetPagerTest {
    private final String table = TestDatabase.tableName("Order Lines");

    @AfterEach
    void drop() {
        TestDatabase.H2.dropQuietly(table);
    }

    @Test
    void pages_after_the_cursor_and_the_composite_key_with_bound_values_only() throws Exception {
        TestDatabase.H2.execute("CREATE TABLE " + quoted(table) + " (\"order\" INT, \"line\" INT, \"when\" TIMESTAMP, \"pay\"\"load\" VARCHAR(9), "
                + "PRIMARY KEY (\"order\", \"line\"))");
        try (Connection c = TestDatabase.H2.connect()) {
            ResolvedSource source = ResolvedSource.table(c, JdbcSourceSettings.TABLE, table.toUpperCase(java.util.Locale.ROOT));
            assertThat(source.primaryKey()).containsExactly("order", "line");
            List<ResolvedSource.Column> columns = source.columns();
            KeysetPager pager = new KeysetPager(source, columns, source.column("cursor", "WHEN"),
                    List.of(source.column("key", "order"), source.column("key", "line")));
            String from = "\"PUBLIC\"." + quoted(table);
            assertThat(pager.afterPositionSql()).isEqualTo(
                    "SELECT q.\"order\", q.\"line\", q.\"when\", q.\"pay\"\"load\" FROM " + from + " q"
                            + " WHERE q.\"when\" >= ? AND (q.\"when\" > ? OR (q.\"when\" = ? AND (q.\"order\" > ? OR (q.\"order\" = ? AND q.\"line\" > ?))))"
                            + " ORDER BY q.\"when\", q.\"order\", q.\"line\" LIMIT ?");
        }
    }
}

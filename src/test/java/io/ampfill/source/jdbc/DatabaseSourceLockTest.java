package io.ampfill.source.jdbc;

import io.ampfill.source.SourceLockException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One run at a time on a table of a database, on the real PostgreSQL and MariaDB servers and on H2. */
class DatabaseSourceLockTest {

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void a_second_run_on_a_table_is_refused_until_the_first_ends_and_other_tables_go_on(TestDatabase db) throws Exception {
        db.assumeReachable();
        String events = "jdbc:table " + TestDatabase.tableName("events");
        String users = "jdbc:users table " + TestDatabase.tableName("users");

        try (DatabaseSourceLock first = DatabaseSourceLock.take(db.dataSource(), db.password, List.of(users, events))) {
            assertThatThrownBy(() -> DatabaseSourceLock.take(db.dataSource(), db.password, List.of(events)))
                    .isInstanceOf(SourceLockException.class)
                    .hasMessage("another ampfill run is reading " + events.substring(5)
                            + " of this database: let it finish or stop it, then start again");
            assertThatThrownBy(() -> DatabaseSourceLock.take(db.dataSource(), db.password, List.of(users)))
                    .isInstanceOf(SourceLockException.class);
            assertThatCode(() -> DatabaseSourceLock.take(db.dataSource(), db.password, List.of("jdbc:table other")).close())
                    .doesNotThrowAnyException();
        }

        assertThatCode(() -> DatabaseSourceLock.take(db.dataSource(), db.password, List.of(users, events)).close())
                .as("released when the first run's connection ended").doesNotThrowAnyException();
    }
}

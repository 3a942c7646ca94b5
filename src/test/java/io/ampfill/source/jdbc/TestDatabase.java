package io.ampfill.source.jdbc;

import org.junit.jupiter.api.Assumptions;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * The three databases the JDBC source is tested on: embedded H2 (always there) and the PostgreSQL and MariaDB
 * servers of this machine, whose tests skip with a message when the server is not reachable (a laptop without
 * them still passes the suite). -Dampfill.test.postgres.url / -Dampfill.test.mariadb.url point them elsewhere.
 * Each test makes tables with a random suffix and drops them.
 */
enum TestDatabase {
    H2("H2 (embedded)", "jdbc:h2:mem:ampfill_jdbc_test;DB_CLOSE_DELAY=-1", "sa", "",
            "JSON", "TIMESTAMP WITH TIME ZONE", "TIMESTAMP(6)", "\""),
    POSTGRES("PostgreSQL", System.getProperty("ampfill.test.postgres.url", "jdbc:postgresql://127.0.0.1:5432/test?connectTimeout=3"), "postgres", "",
            "JSONB", "TIMESTAMPTZ", "TIMESTAMP(6)", "\""),
    MARIADB("MariaDB", System.getProperty("ampfill.test.mariadb.url", "jdbc:mariadb://127.0.0.1:3306/test?connectTimeout=3000"), "root", "",
            "JSON", "TIMESTAMP(3) NULL", "DATETIME(6)", "`");

    final String label;
    final String url;
    final String user;
    final String password;
    /** The JSON column type. */
    final String json;
    /** A column type holding an instant (MariaDB's TIMESTAMP holds one, shown in the session's zone). */
    final String instant;
    /** A time without zone. */
    final String localTime;
    /** The identifier quote the reader will use (the database's own). */
    final String quote;

    TestDatabase(String label, String url, String user, String password, String json, String instant, String localTime, String quote) {
        this.label = label;
        this.url = url;
        this.user = user;
        this.password = password;
        this.json = json;
        this.instant = instant;
        this.localTime = localTime;
        this.quote = quote;
    }

    /** Skips the calling test, saying why, when this database cannot be reached. */
    void assumeReachable() {
        Assumptions.assumeTrue(reachable(), () -> label + " not reachable at " + url.replaceAll("\\?.*", "") + " (user " + user + "): skipped");
    }

    private Boolean reachable;

    private synchronized boolean reachable() {
        if (reachable == null) {
            try (Connection ignored = DriverManager.getConnection(url, user, password)) {
                reachable = true;
            } catch (SQLException e) {
                reachable = false;
            }
        }
        return reachable;
    }

    DataSource dataSource() {
        return new DriverDataSource(url, user, password);
    }

    /** A JSON literal for an insert: H2 needs FORMAT JSON, or it stores a JSON string. */
    String jsonLiteral(String json) {
        String quoted = "'" + json.replace("'", "''") + "'";
        return this == H2 ? quoted + " FORMAT JSON" : quoted;
    }

    /** An instant literal: MariaDB's TIMESTAMP takes it in the session zone, which the tests set to UTC. */
    String instantLiteral(String isoInstant) {
        if (this == MARIADB) {
            return "'" + isoInstant.replace("T", " ").replace("Z", "") + "'";
        }
        return "TIMESTAMP WITH TIME ZONE '" + isoInstant.replace("T", " ").replace("Z", "+00:00") + "'";
    }

    /** An identifier quoted the standard way, as the tests' SQL writes them (MariaDB test sessions use ANSI_QUOTES). */
    static String quoted(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    /** A table name no other test uses. */
    static String tableName(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
    }

    void execute(String... sql) throws SQLException {
        try (Connection c = connect(); Statement statement = c.createStatement()) {
            for (String s : sql) {
                statement.execute(s);
            }
        }
    }

    Connection connect() throws SQLException {
        Connection c = DriverManager.getConnection(url, user, password);
        if (this == MARIADB) {
            // the tests write SQL with standard "quoted" identifiers on every database
            try (Statement statement = c.createStatement()) {
                statement.execute("SET time_zone = '+00:00'");
                statement.execute("SET SESSION sql_mode = CONCAT(@@sql_mode, ',ANSI_QUOTES')");
            }
        }
        return c;
    }

    void dropQuietly(String table) {
        try {
            execute("DROP TABLE IF EXISTS " + quoted(table));
        } catch (SQLException ignored) {
            // the test already failed on the database, or the table was never made
        }
    }

    /** Settings as the application would read them, from name = value pairs. */
    static Function<String, Optional<String>> properties(String... nameValuePairs) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < nameValuePairs.length; i += 2) {
            map.put(nameValuePairs[i], nameValuePairs[i + 1]);
        }
        return name -> Optional.ofNullable(map.get(name));
    }

    JdbcSourceSettings settings(String... nameValuePairs) {
        String[] all = new String[nameValuePairs.length + 6];
        all[0] = JdbcSourceSettings.URL;
        all[1] = url;
        all[2] = JdbcSourceSettings.USER;
        all[3] = user;
        all[4] = JdbcSourceSettings.PASSWORD;
        all[5] = password;
        System.arraycopy(nameValuePairs, 0, all, 6, nameValuePairs.length);
        return JdbcSourceSettings.from(properties(all), name -> Optional.empty());
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}

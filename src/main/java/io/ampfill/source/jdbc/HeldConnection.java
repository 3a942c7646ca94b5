package io.ampfill.source.jdbc;

import io.ampfill.secret.SecretText;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The one connection a reader reads all its pages on, opened on first use and again after a failure. On MySQL and
 * MariaDB the session's time zone is set to UTC: their TIMESTAMP columns hold instants but are shown in the
 * session's zone, and the reader takes a time without zone as UTC.
 */
final class HeldConnection implements AutoCloseable {
    private final DataSource dataSource;
    private final String password;
    private Connection connection;

    HeldConnection(DataSource dataSource, String password) {
        this.dataSource = dataSource;
        this.password = password;
    }

    Connection get() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = null;
            Connection opened;
            try {
                opened = dataSource.getConnection();
            } catch (SQLException e) {
                throw SecretText.masked(e, password);
            }
            try {
                // a pooled connection may come without autocommit: a reader must not hold a transaction open between pages
                if (!opened.getAutoCommit()) {
                    opened.setAutoCommit(true);
                }
                if (ResolvedSource.catalogsAreDatabases(opened.getMetaData())) {
                    try (Statement statement = opened.createStatement()) {
                        statement.execute("SET time_zone = '+00:00'");
                    }
                }
            } catch (SQLException e) {
                closeQuietly(opened);
                throw SecretText.masked(e, password);
            }
            connection = opened;
        }
        return connection;
    }

    /** After a failure: the next page opens a fresh connection. */
    void discard() {
        if (connection != null) {
            closeQuietly(connection);
            connection = null;
        }
    }

    @Override
    public void close() {
        discard();
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // the connection is being given up; nothing read on it is pending
        }
    }
}

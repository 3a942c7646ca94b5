package io.ampfill.source.jdbc;

import io.ampfill.secret.SecretText;

import javax.sql.DataSource;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Counts the rows a run has to read, on connections of its own: a count of a large table can take long, and the pages
 * go on meanwhile on the readers' connections. {@link #cancel()}, from another thread, ends a count that is running
 * (through JDBC's own cancel: a thread blocked in a query does not heed an interrupt) and refuses any later one.
 */
final class RowCount {
    private final DataSource dataSource;
    private final String password;
    private volatile PreparedStatement running;
    private volatile boolean cancelled;

    RowCount(DataSource dataSource, String password) {
        this.dataSource = dataSource;
        this.password = password;
    }

    /** The rows reading {@code pager}'s source from {@code after} on would read now. */
    long rowsFrom(KeysetPager pager, Object after) throws SQLException {
        refuseIfCancelled();
        try (HeldConnection connection = new HeldConnection(dataSource, password);
             PreparedStatement count = pager.countFrom(connection.get(), after)) {
            running = count;
            refuseIfCancelled(); // cancel() may have come before the statement was there to cancel
            try (ResultSet rows = count.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw SecretText.masked(e, password);
        } finally {
            running = null;
        }
    }

    /** Throws once cancelled: a count that reads in steps (a users file) asks between them. */
    void refuseIfCancelled() throws SQLException {
        if (cancelled) {
            throw new SQLException("the run is stopping");
        }
    }

    boolean cancelled() {
        return cancelled;
    }

    void cancel() {
        cancelled = true;
        PreparedStatement count = running;
        if (count != null) {
            try {
                count.cancel();
            } catch (SQLException alreadyOver) {
                // the count ended or its connection closed meanwhile: nothing left to cancel
            }
        }
    }
}

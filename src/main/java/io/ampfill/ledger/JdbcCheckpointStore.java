package io.ampfill.ledger;

import io.ampfill.secret.SecretText;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checkpoints in a JDBC database: an embedded H2 file by default, PostgreSQL (or another server) for a
 * shared deployment. One table, written by one thread at a time; an update-then-insert keeps the SQL
 * portable across H2, PostgreSQL and MariaDB.
 */
public final class JdbcCheckpointStore implements CheckpointStore {
    static final String TABLE = "ampfill_checkpoint";

    private final Connection connection;
    private final String password;

    private JdbcCheckpointStore(Connection connection, String password) {
        this.connection = connection;
        this.password = password;
    }

    /** Opens (and creates if needed) the store; errors name the URL without its credentials. */
    public static JdbcCheckpointStore open(String url, String user, String password) {
        try {
            Connection connection = DriverManager.getConnection(embeddedClosedByUs(url), user, password);
            connection.setAutoCommit(true);
            try (Statement create = connection.createStatement()) {
                create.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (source VARCHAR(1000) PRIMARY KEY,"
                        + " fingerprint VARCHAR(200) NOT NULL, position VARCHAR(1000) NOT NULL, updated_at TIMESTAMP NOT NULL)");
            }
            return new JdbcCheckpointStore(connection, password);
        } catch (SQLException e) {
            throw new StoreException("cannot open the state store " + SecretText.mask(url, password) + ": "
                    + SecretText.mask(e.getMessage(), password), e);
        }
    }

    /**
     * An embedded H2 database closes itself in its own shutdown hook, which may run before ampfill's
     * last checkpoint on SIGTERM; ampfill closes it instead. And it writes a commit to its file at once
     * (not up to a second later), so a kill -9 loses no saved position. It does not compact its file on closing.
     * Its own trace file is off: ampfill words the store's errors, and H2 printed a stack trace to stderr when it
     * could not write that file either.
     */
    static String embeddedClosedByUs(String url) {
        if (!url.startsWith("jdbc:h2:")) {
            return url;
        }
        String upper = url.toUpperCase(java.util.Locale.ROOT);
        String tuned = url;
        if (!upper.contains("DB_CLOSE_ON_EXIT")) {
            tuned += ";DB_CLOSE_ON_EXIT=FALSE";
        }
        if (!upper.contains("WRITE_DELAY")) {
            tuned += ";WRITE_DELAY=0";
        }
        if (!upper.contains("MAX_COMPACT_TIME")) {
            // H2 compacts its file for up to 200 ms when it closes: after a run of 200,000 events that was 145
            // fsyncs (seen with strace) for a table of a few rows, whose freed space H2 reuses anyway
            tuned += ";MAX_COMPACT_TIME=0";
        }
        if (!upper.contains("TRACE_LEVEL_FILE")) {
            tuned += ";TRACE_LEVEL_FILE=0"; // ampfill reports the store's errors; H2 would also print them to stderr
        }
        return tuned;
    }

    @Override
    public synchronized Optional<Checkpoint> load(String source) {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT fingerprint, position FROM " + TABLE + " WHERE source = ?")) {
            select.setString(1, source);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(new Checkpoint(source, row.getString(1), row.getString(2))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw failure("read", e);
        }
    }

    @Override
    public synchronized Map<String, Checkpoint> loadAll(String prefix) {
        Map<String, Checkpoint> found = new HashMap<>();
        try (Statement all = connection.createStatement();
             ResultSet rows = all.executeQuery("SELECT source, fingerprint, position FROM " + TABLE)) {
            while (rows.next()) {
                if (rows.getString(1).startsWith(prefix)) {
                    found.put(rows.getString(1), new Checkpoint(rows.getString(1), rows.getString(2), rows.getString(3)));
                }
            }
            return found;
        } catch (SQLException e) {
            throw failure("read", e);
        }
    }

    @Override
    public synchronized void save(Collection<Checkpoint> checkpoints) {
        if (checkpoints.isEmpty()) {
            return;
        }
        Timestamp now = Timestamp.from(Instant.now());
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE " + TABLE + " SET fingerprint = ?, position = ?, updated_at = ? WHERE source = ?");
             PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO " + TABLE + " (source, fingerprint, position, updated_at) VALUES (?, ?, ?, ?)")) {
            connection.setAutoCommit(false);
            for (Checkpoint c : checkpoints) {
                update.setString(1, c.fingerprint());
                update.setString(2, c.position());
                update.setTimestamp(3, now);
                update.setString(4, c.source());
                if (update.executeUpdate() == 0) {
                    insert.setString(1, c.source());
                    insert.setString(2, c.fingerprint());
                    insert.setString(3, c.position());
                    insert.setTimestamp(4, now);
                    insert.executeUpdate();
                }
            }
            connection.commit();
        } catch (SQLException e) {
            try {
                connection.rollback();
            } catch (SQLException ignored) {
                // the failure below says what matters
            }
            throw failure("write", e);
        } finally {
            try {
                connection.setAutoCommit(true);
            } catch (SQLException ignored) {
                // the connection is broken; the next call reports it
            }
        }
    }

    @Override
    public synchronized void retainOnly(String prefix, Collection<String> sources) {
        Set<String> keep = new HashSet<>(sources);
        try (Statement all = connection.createStatement();
             ResultSet rows = all.executeQuery("SELECT source FROM " + TABLE);
             PreparedStatement delete = connection.prepareStatement("DELETE FROM " + TABLE + " WHERE source = ?")) {
            List<String> stale = new ArrayList<>();
            while (rows.next()) {
                if (rows.getString(1).startsWith(prefix) && !keep.contains(rows.getString(1))) {
                    stale.add(rows.getString(1));
                }
            }
            for (String source : stale) {
                delete.setString(1, source);
                delete.executeUpdate();
            }
        } catch (SQLException e) {
            throw failure("clean", e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // nothing left to keep
        }
    }

    private StoreException failure(String what, SQLException e) {
        return new StoreException("cannot " + what + " the state store: " + SecretText.mask(e.getMessage(), password), e);
    }

}

package io.ampfill.source.jdbc;

import io.ampfill.secret.SecretText;
import io.ampfill.source.SourceLockException;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One run at a time on a database source (its table, with its position), whatever state store each run keeps its
 * position in: a lock in the source database itself, held by a connection of its own for the whole run. PostgreSQL's
 * pg_try_advisory_lock and MariaDB's (MySQL's) GET_LOCK are released by the server when that connection ends, so a run
 * that dies, even by kill -9, leaves nothing behind. Other databases get a lock of this JVM only: embedded H2 is
 * opened by one process at a time anyway (its file lock).
 */
final class DatabaseSourceLock implements AutoCloseable {
    /** Sources locked by runs of this JVM, for databases that have no lock of their own. */
    private static final Set<String> HELD_HERE = ConcurrentHashMap.newKeySet();

    private final Connection connection;
    private final List<String> heldHere;

    private DatabaseSourceLock(Connection connection, List<String> heldHere) {
        this.connection = connection;
        this.heldHere = heldHere;
    }

    /**
     * Locks each source for this run.
     *
     * @param sources the sources by the key their positions are kept under ("jdbc:table events")
     * @throws SourceLockException another run holds one of them
     */
    static DatabaseSourceLock take(DataSource database, String password, List<String> sources) throws SQLException {
        Connection connection = database.getConnection();
        List<String> heldHere = new ArrayList<>();
        try {
            String product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
            String databaseName = connection.getCatalog();
            for (String source : sources) {
                String name = "ampfill " + databaseName + " " + source;
                boolean taken;
                if (product.contains("postgresql")) {
                    taken = ask(connection, "SELECT CASE WHEN pg_try_advisory_lock(?) THEN 1 ELSE 0 END", ps -> ps.setLong(1, key(name)));
                } else if (product.contains("mariadb") || product.contains("mysql")) {
                    // its lock names are at most 64 characters, and server-wide
                    taken = ask(connection, "SELECT GET_LOCK(?, 0)", ps -> ps.setString(1, "ampfill:" + hex(name).substring(0, 56)));
                } else {
                    String jvmWide = SecretText.mask(connection.getMetaData().getURL(), password) + " " + source;
                    taken = HELD_HERE.add(jvmWide);
                    if (taken) {
                        heldHere.add(jvmWide);
                    }
                }
                if (!taken) {
                    throw new SourceLockException("another ampfill run is reading " + source.substring(source.indexOf(':') + 1)
                            + " of this database: let it finish or stop it, then start again");
                }
            }
            return new DatabaseSourceLock(connection, heldHere);
        } catch (SQLException | RuntimeException e) {
            heldHere.forEach(HELD_HERE::remove);
            closeQuietly(connection);
            throw e;
        }
    }

    private interface Parameters {
        void set(PreparedStatement statement) throws SQLException;
    }

    private static boolean ask(Connection connection, String sql, Parameters parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            parameters.set(statement);
            try (ResultSet row = statement.executeQuery()) {
                // GET_LOCK answers 1 (taken), 0 (held by another session) or NULL (an error): only 1 is taken
                return row.next() && row.getInt(1) == 1;
            }
        }
    }

    /** PostgreSQL's advisory locks take a number: the first 8 bytes of the name's SHA-256. */
    private static long key(String name) {
        long key = 0;
        byte[] digest = sha256(name);
        for (int i = 0; i < 8; i++) {
            key = (key << 8) | (digest[i] & 0xff);
        }
        return key;
    }

    private static String hex(String name) {
        return HexFormat.of().formatHex(sha256(name));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    /** Ends the lock's connection: the server releases its locks with it. */
    @Override
    public void close() {
        heldHere.forEach(HELD_HERE::remove);
        closeQuietly(connection);
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // the server releases the session's locks when the connection goes, however it goes
        }
    }
}

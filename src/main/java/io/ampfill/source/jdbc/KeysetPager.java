package io.ampfill.source.jdbc;

import io.ampfill.source.jdbc.ResolvedSource.Column;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a source in pages by keyset: ordered by the cursor column, then by the tie-breaking key columns, each page
 * starting strictly after the (cursor, key) pair of the previous page's last row. Unlike OFFSET, a page costs the
 * same however far in the table it is, and a row inserted meanwhile with a larger cursor is simply read later.
 * <pre>
 * first page:  SELECT q.a, q.b, ... FROM src q WHERE q.c IS NOT NULL ORDER BY q.c, q.k LIMIT ?
 * next pages:  ... WHERE q.c >= ? AND (q.c > ? OR (q.c = ? AND q.k > ?)) ORDER BY q.c, q.k LIMIT ?
 * </pre>
 * The leading {@code q.c >= ?} lets every database range-scan an index on the cursor. LIMIT is understood by H2,
 * PostgreSQL, MySQL and MariaDB alike. Rows whose cursor is NULL are never in a page: {@link #rowsWithoutCursor}
 * counts them, so the caller can say so rather than lose them silently. {@link #countFrom} counts, with the same
 * condition, the rows that reading from a position on reads.
 */
final class KeysetPager {
    private final String source;
    private final Column cursor;
    private final List<Column> ties;
    private final int cursorIndex;
    private final int[] tieIndexes;
    /** "SELECT q.a, ... FROM src q WHERE " and "SELECT COUNT(*) FROM src q WHERE ": a page's and a count's start. */
    private final String selectFrom;
    private final String countRows;
    private final String orderAndLimit;
    /** The conditions of the rows after a position: none yet, a bare cursor value, a (cursor, key) position. */
    private final String fromStart;
    private final String afterCursor;
    private final String afterPosition;
    private final String countWithoutCursor;

    /** Where a reading starts: the condition of its rows, and the values it binds in the order of its placeholders. */
    private record Start(String where, List<Object> parameters) {
    }

    /** Called for each row of a page, with the result set on that row. */
    interface RowVisitor {
        void row(ResultSet row, CursorPosition position) throws SQLException;
    }

    /**
     * @param selected the columns each row carries, in result-set order (cursor and ties among them)
     * @param ties     the key columns that order rows sharing a cursor value (empty when the cursor is unique)
     */
    KeysetPager(ResolvedSource source, List<Column> selected, Column cursor, List<Column> ties) {
        this.source = source.description();
        this.cursor = cursor;
        this.ties = List.copyOf(ties);
        this.cursorIndex = selected.indexOf(cursor) + 1;
        this.tieIndexes = ties.stream().mapToInt(t -> selected.indexOf(t) + 1).toArray();
        if (cursorIndex == 0 || ties.stream().anyMatch(t -> !selected.contains(t))) {
            throw new IllegalArgumentException("the cursor and key columns must be selected");
        }
        List<String> names = new ArrayList<>();
        for (Column column : selected) {
            names.add("q." + source.quoted(column.name()));
        }
        String c = "q." + source.quoted(cursor.name());
        List<String> order = new ArrayList<>();
        order.add(c);
        for (Column tie : ties) {
            order.add("q." + source.quoted(tie.name()));
        }
        this.selectFrom = "SELECT " + String.join(", ", names) + " FROM " + source.from() + " q WHERE ";
        this.countRows = "SELECT COUNT(*) FROM " + source.from() + " q WHERE ";
        this.orderAndLimit = " ORDER BY " + String.join(", ", order) + " LIMIT ?";
        this.fromStart = c + " IS NOT NULL";
        this.afterCursor = c + " > ?";
        this.afterPosition = c + " >= ? AND " + after(order, 0);
        this.countWithoutCursor = countRows + c + " IS NULL";
    }

    /** (o0, o1, ...) > (?, ?, ...), spelled out so that it works without row-value comparison. */
    private static String after(List<String> order, int from) {
        String column = order.get(from);
        if (from == order.size() - 1) {
            return column + " > ?";
        }
        return "(" + column + " > ? OR (" + column + " = ? AND " + after(order, from + 1) + "))";
    }

    /**
     * Reads the page after {@code after} (null: from the start; a {@link CursorPosition}; or a bare cursor value,
     * meaning every row with a greater cursor) and returns the last row's position, or null if the page is empty.
     */
    CursorPosition read(Connection connection, Object after, int limit, RowVisitor visitor) throws SQLException {
        Start start = start(after);
        CursorPosition last = null;
        try (PreparedStatement statement = prepare(connection, selectFrom + start.where() + orderAndLimit, start.parameters())) {
            statement.setInt(start.parameters().size() + 1, limit);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    last = positionOf(rows);
                    visitor.row(rows, last);
                }
            }
        }
        return last;
    }

    /**
     * The count of the rows that reading from {@code after} on reads (as {@link #read} takes it), prepared with its
     * values bound: for the caller to run, and to cancel from another thread if it takes too long.
     */
    PreparedStatement countFrom(Connection connection, Object after) throws SQLException {
        Start start = start(after);
        return prepare(connection, countRows + start.where(), start.parameters());
    }

    private Start start(Object after) {
        if (after == null) {
            return new Start(fromStart, List.of());
        }
        List<Object> parameters = new ArrayList<>();
        if (after instanceof CursorPosition position && !position.tieKey().isEmpty()) {
            if (position.tieKey().size() != ties.size()) {
                throw new IllegalArgumentException("the position " + position.toText() + " has " + position.tieKey().size()
                        + " key values; " + source + " is paged by " + ties.size());
            }
            positionParameters(position, parameters);
            return new Start(afterPosition, parameters);
        }
        parameters.add(after instanceof CursorPosition position ? position.cursor() : after);
        return new Start(afterCursor, parameters);
    }

    private static PreparedStatement prepare(Connection connection, String sql, List<Object> parameters) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        try {
            int p = 1;
            for (Object parameter : parameters) {
                statement.setObject(p++, parameter);
            }
            return statement;
        } catch (SQLException e) {
            statement.close();
            throw e;
        }
    }

    /** The parameters of afterPosition, in the order its placeholders appear. */
    private void positionParameters(CursorPosition position, List<Object> parameters) {
        List<Object> values = new ArrayList<>();
        values.add(position.cursor());
        values.addAll(position.tieKey());
        parameters.add(values.get(0));
        for (int i = 0; i < values.size(); i++) {
            parameters.add(values.get(i));
            if (i < values.size() - 1) {
                parameters.add(values.get(i));
            }
        }
    }

    private CursorPosition positionOf(ResultSet row) throws SQLException {
        try {
            Object cursorValue = ColumnValues.position(row, cursorIndex, cursor.kind());
            List<Object> key = new ArrayList<>(ties.size());
            for (int i = 0; i < ties.size(); i++) {
                key.add(ColumnValues.position(row, tieIndexes[i], ties.get(i).kind()));
            }
            return new CursorPosition(cursorValue, key);
        } catch (ColumnValues.BadValue e) {
            throw new SQLException(source + ": a row's cursor or key cannot be read back: " + e.getMessage());
        }
    }

    /** How many rows have a NULL cursor, and so are in no page. */
    long rowsWithoutCursor(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(countWithoutCursor);
             ResultSet rows = statement.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /** The SQL of a page after a full position: for tests and for the documentation of what runs. */
    String afterPositionSql() {
        return selectFrom + afterPosition + orderAndLimit;
    }
}

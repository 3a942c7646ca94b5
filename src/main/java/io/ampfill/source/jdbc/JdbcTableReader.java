package io.ampfill.source.jdbc;

import io.ampfill.secret.SecretText;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ampfill.setting.BadSettingException;
import io.ampfill.source.SourceRecord;
import io.ampfill.source.SourceRecord.Tree;
import io.ampfill.source.SourceRecord.Unreadable;
import io.ampfill.source.jdbc.ResolvedSource.Column;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads events from a database table (backfill.jdbc.table) or query (backfill.jdbc.query), one page at a time in
 * cursor order, and turns each row into a record with Amplitude's field names for the event mapper.
 * <ul>
 * <li>A column named like an Amplitude field (any case) fills it, and so does a column named in backfill.map.FIELD;
 *     a column "plan" does only when it holds JSON (Amplitude's plan is a tracking-plan object). Every other column goes into event_properties under its own name (or is left out with
 *     backfill.jdbc.other-columns=ignore; the key columns are kept even then, so a record always names its row).
 *     Binary columns are left out.</li>
 * <li>TIMESTAMP (no zone; MariaDB DATETIME and TIMESTAMP) is taken as UTC, TIMESTAMP WITH TIME ZONE / timestamptz
 *     is an instant, DATE is UTC midnight: all become epoch milliseconds. JSON and JSONB columns are parsed, and so
 *     is text in an event_properties, user_properties, groups or group_properties column. Numbers and booleans keep
 *     their JSON type. NULL is left out.</li>
 * <li>Without an insert_id column (or where it is NULL), the insert_id is derived from the table name and the
 *     row's key ({@link DerivedInsertId}), so re-reading a row, edited or not, never doubles its event.</li>
 * <li>A row that cannot become an event (NULL event_type, time or both ids, JSON that does not parse, a zero date)
 *     comes back as an error record whose reason names the source and the key ("table events, id 42: ...") and
 *     whose raw text is the row as JSON; the cursor moves past it like past any other row.</li>
 * </ul>
 * Paging is by keyset on (cursor, key): see {@link KeysetPager}. Ties on the cursor are ordered by the key, so a
 * page boundary inside a run of equal cursor values loses and repeats nothing; the cursor need not be unique, but
 * it must only grow (a row inserted later with a smaller cursor than the last one read is not read). So the key is
 * the cursor by default only when it is one integer, time or date column; any other must be named.
 * <p>
 * Plain JDBC rather than camel-sql or camel-jdbc: turning a row into an event needs each column's type as the
 * database reports it (jsonb vs text, timestamptz vs timestamp) and typed reads ({@code getObject(i,
 * OffsetDateTime.class)}), which the components' row maps do not give (they hand back driver objects, timestamps
 * in the JVM's zone); and the next page's parameters come from the last row of this one. A route can call this
 * bean page by page (a timer or loop, one exchange per page) and commit the position once the page is settled.
 * The SQL holds only names the database itself returned, quoted; every value is a bound parameter.
 * <p>
 * Not thread-safe: one reader, one thread. It keeps one connection open between pages (reopened after a failure).
 */
public final class JdbcTableReader implements PagedSource {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /**
     * A page of records in cursor order. lastCursor is the position of the last row read, bad rows included (null
     * when the page is empty): pass it to the next {@link #readPage}. full: the page has pageSize records, so more
     * may follow; a page that is not full is the end of the rows for now.
     */
    public record Page(List<SourceRecord> records, CursorPosition lastCursor, boolean full) {
    }

    /** Where a column's value goes: a top-level field, or event_properties under a name. */
    private record Placement(Column column, int index, String field, String property) {
    }

    private final JdbcSourceSettings settings;
    private final HeldConnection connection;
    private final ResolvedSource source;
    private final KeysetPager pager;
    private final List<Placement> placements = new ArrayList<>();
    private final List<Column> keys;
    private final int[] keyIndexes;
    private final boolean keyIsOneInteger;
    private final String insertIdNamespace;
    private long ordinal;

    /**
     * Looks the table (or query), the cursor, key and mapped columns up in the database now.
     *
     * @throws BadSettingException a one-line error naming the setting that does not fit the database
     * @throws SQLException         the database cannot be reached or read (the password masked in the message)
     */
    public JdbcTableReader(DataSource dataSource, JdbcSourceSettings settings) throws SQLException {
        this.settings = settings;
        this.connection = new HeldConnection(dataSource, settings.password());
        try {
            Connection c = connection.get();
            this.source = settings.table() != null
                    ? ResolvedSource.table(c, JdbcSourceSettings.TABLE, settings.table())
                    : ResolvedSource.query(c, JdbcSourceSettings.QUERY, settings.query());
            this.keys = keyColumns();
            Column cursor = cursorColumn();
            List<Column> selected = new ArrayList<>();
            for (Column column : source.columns()) {
                if (column.kind() != ColumnKind.BINARY) {
                    selected.add(column);
                }
            }
            place(selected);
            List<Column> ties = keys.stream().filter(k -> !k.equals(cursor)).toList();
            this.pager = new KeysetPager(source, selected, cursor, ties);
            this.keyIndexes = keys.stream().mapToInt(k -> selected.indexOf(k) + 1).toArray();
            this.keyIsOneInteger = keys.size() == 1 && keys.get(0).kind() == ColumnKind.INTEGER;
            this.insertIdNamespace = insertIdNamespace();
        } catch (SQLException e) {
            connection.close();
            throw SecretText.masked(e, settings.password());
        } catch (RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    private List<Column> keyColumns() {
        List<Column> columns = new ArrayList<>();
        if (!settings.keyColumns().isEmpty()) {
            for (String name : settings.keyColumns()) {
                columns.add(source.column(JdbcSourceSettings.KEY_COLUMN, name));
            }
        } else if (source.primaryKey().isEmpty()) {
            throw new BadSettingException(JdbcSourceSettings.KEY_COLUMN, source.description()
                    + " has no primary key: set it to the column (or comma list of columns) that identifies a row");
        } else {
            for (String name : source.primaryKey()) {
                columns.add(source.column(JdbcSourceSettings.KEY_COLUMN, name));
            }
        }
        for (Column key : columns) {
            if (!key.kind().orders()) {
                throw new BadSettingException(JdbcSourceSettings.KEY_COLUMN, "key column " + key.name() + " has type "
                        + key.typeName() + ", which cannot order rows (use a number, text, time, date or UUID column)");
            }
        }
        return List.copyOf(columns);
    }

    private Column cursorColumn() {
        Column cursor;
        if (settings.cursorColumn() != null) {
            cursor = source.column(JdbcSourceSettings.CURSOR_COLUMN, settings.cursorColumn());
        } else if (keys.size() == 1) {
            cursor = keys.get(0);
            // a later run reads only after the saved cursor: a key that does not grow would lose rows without a word
            if (!cursor.kind().growsAsRowsAreAdded()) {
                String key = settings.keyColumns().isEmpty() ? "the primary key " : "the key column ";
                throw new BadSettingException(JdbcSourceSettings.CURSOR_COLUMN, "not set, and " + key + cursor.name()
                        + " of " + source.description() + " has type " + cursor.typeName()
                        + ", whose values do not grow as rows are added: a later run would miss new rows with smaller keys."
                        + " Name a column that only grows (an id sequence, a creation time), or set it to " + cursor.name()
                        + " to read in key order anyway");
            }
        } else {
            throw new BadSettingException(JdbcSourceSettings.CURSOR_COLUMN, "not set, and the key of " + source.description()
                    + " has " + keys.size() + " columns: name the column that only grows (an id, a creation time)");
        }
        if (!cursor.kind().orders()) {
            throw new BadSettingException(JdbcSourceSettings.CURSOR_COLUMN, "column " + cursor.name() + " has type "
                    + cursor.typeName() + ", which cannot order rows (use a number, time, date or text column)");
        }
        return cursor;
    }

    /** Decides where every selected column goes: mapped fields first, then fields by name, then event_properties. */
    private void place(List<Column> selected) {
        Set<String> taken = new HashSet<>();
        Set<Column> placed = new HashSet<>();
        for (Map.Entry<String, String> mapping : settings.fieldToColumn().entrySet()) {
            String setting = JdbcSourceSettings.MAP_PREFIX + mapping.getKey();
            Column column = source.column(setting, mapping.getValue());
            if (column.kind() == ColumnKind.BINARY) {
                throw new BadSettingException(setting, "column " + column.name() + " holds binary data (" + column.typeName() + ")");
            }
            placements.add(new Placement(column, selected.indexOf(column) + 1, mapping.getKey(), null));
            taken.add(mapping.getKey());
            placed.add(column);
        }
        // a column named exactly like an upload field beats one with an export name (time beats event_time)
        for (boolean exportNames : new boolean[] {false, true}) {
            for (Column column : selected) {
                String field = AmplitudeNames.fieldNamed(column.name());
                if (field == null || placed.contains(column) || AmplitudeNames.EXPORT_NAMES.contains(field) != exportNames
                        || (field.equals("plan") && column.kind() != ColumnKind.JSON)) {
                    // Amplitude's "plan" is a tracking-plan object; a text column "plan" is the user's (a pricing plan)
                    continue;
                }
                String uploadName = AmplitudeNames.uploadName(field);
                if (taken.add(uploadName)) {
                    placements.add(new Placement(column, selected.indexOf(column) + 1, uploadName, null));
                    placed.add(column);
                }
            }
        }
        for (Column column : selected) {
            if (!placed.contains(column) && (settings.unknownColumnsToEventProperties() || keys.contains(column))) {
                placements.add(new Placement(column, selected.indexOf(column) + 1, null, column.name()));
            }
        }
        String mapEventType = JdbcSourceSettings.MAP_PREFIX + "event_type";
        if (!taken.contains("event_type")) {
            throw new BadSettingException(mapEventType, source.description()
                    + " has no column event_type: name the column that holds the event type with " + mapEventType);
        }
        if (!taken.contains("time")) {
            throw new BadSettingException(JdbcSourceSettings.MAP_PREFIX + "time", source.description()
                    + " has no column time (or event_time): name the column that holds the event's time with "
                    + JdbcSourceSettings.MAP_PREFIX + "time");
        }
        if (!taken.contains("user_id") && !taken.contains("device_id")) {
            throw new BadSettingException(JdbcSourceSettings.MAP_PREFIX + "user_id", source.description()
                    + " has neither a user_id nor a device_id column: name one with " + JdbcSourceSettings.MAP_PREFIX
                    + "user_id or " + JdbcSourceSettings.MAP_PREFIX + "device_id");
        }
    }

    private String insertIdNamespace() {
        if (settings.keyTable() != null) {
            return settings.keyTable().toLowerCase(Locale.ROOT);
        }
        if (source.storedTableName() != null) {
            return source.storedTableName().toLowerCase(Locale.ROOT);
        }
        boolean ownInsertIds = placements.stream().anyMatch(p -> "insert_id".equals(p.field()));
        if (!ownInsertIds) {
            throw new BadSettingException(JdbcSourceSettings.KEY_TABLE, "required with " + JdbcSourceSettings.QUERY
                    + " when the query returns no insert_id column: the table its key belongs to, which derived insert_ids"
                    + " are made from (two queries over different tables must not share ids)");
        }
        return null;
    }

    /**
     * Rows whose cursor is after {@code afterCursor}, in cursor order, at most pageSize of them.
     *
     * @param afterCursor null to start from the beginning; a {@link CursorPosition} from a previous page (or parsed
     *                    from its text); or a bare cursor value (Long, BigDecimal, String, LocalDateTime,
     *                    OffsetDateTime, LocalDate, UUID), meaning every row with a greater cursor
     */
    public Page readPage(Object afterCursor) throws SQLException {
        List<SourceRecord> records = new ArrayList<>(settings.pageSize());
        try {
            CursorPosition last = pager.read(connection.get(), afterCursor, settings.pageSize(),
                    (row, position) -> records.add(record(row)));
            return new Page(records, last, records.size() == settings.pageSize());
        } catch (SQLException e) {
            connection.discard();
            throw SecretText.masked(e, settings.password());
        }
    }

    @Override
    public long rowsFrom(Object after, RowCount count) throws SQLException {
        return count.rowsFrom(pager, after);
    }

    /** How many rows have a NULL cursor value: they are in no page, so a caller should report them. */
    public long rowsWithoutCursor() throws SQLException {
        try {
            return pager.rowsWithoutCursor(connection.get());
        } catch (SQLException e) {
            connection.discard();
            throw SecretText.masked(e, settings.password());
        }
    }

    /** "table events" or "query": names the source in dead letters and reasons. */
    public String sourceName() {
        return source.description();
    }

    @Override
    public void close() {
        connection.close();
    }

    private SourceRecord record(ResultSet row) throws SQLException {
        ordinal++;
        List<Object> keyValues = new ArrayList<>(keys.size());
        String problem = null;
        for (int i = 0; i < keys.size(); i++) {
            try {
                keyValues.add(ColumnValues.position(row, keyIndexes[i], keys.get(i).kind()));
            } catch (ColumnValues.BadValue e) {
                keyValues.add(null);
                problem = "key column " + keys.get(i).name() + " is " + e.getMessage();
            }
        }
        long line = keyIsOneInteger && keyValues.get(0) instanceof Long id ? id : ordinal;

        ObjectNode event = NODES.objectNode();
        ObjectNode otherColumns = null;
        for (Placement placement : placements) {
            JsonNode value;
            try {
                value = ColumnValues.json(row, placement.index(), placement.column().kind());
            } catch (ColumnValues.BadValue e) {
                problem = problem != null ? problem : "column " + placement.column().name() + " is " + e.getMessage();
                continue;
            }
            if (value == null) {
                continue;
            }
            if (placement.field() == null) {
                if (otherColumns == null) {
                    otherColumns = NODES.objectNode();
                }
                otherColumns.set(placement.property(), value);
                continue;
            }
            if (AmplitudeNames.PROPERTY_OBJECTS.contains(placement.field())) {
                if (value.isTextual() && value.textValue().isBlank()) {
                    continue;
                }
                if (value.isTextual()) {
                    try {
                        value = ColumnValues.parseJson(value.textValue());
                    } catch (ColumnValues.BadValue e) {
                        problem = problem != null ? problem : placement.field() + " is " + e.getMessage();
                    }
                }
                if (problem == null && !value.isObject()) {
                    problem = placement.field() + " is not a JSON object: " + ColumnValues.shown(value.toString());
                }
            }
            event.set(placement.field(), value);
        }
        if (otherColumns != null) {
            if (event.get("event_properties") instanceof ObjectNode properties) {
                // like the mapper: the event_properties column's own value wins on the same name
                otherColumns.properties().forEach(field -> properties.putIfAbsent(field.getKey(), field.getValue()));
            } else if (!event.has("event_properties")) {
                event.set("event_properties", otherColumns);
            } else {
                // event_properties is text that is no JSON object (an error record): keep the columns beside it, where
                // the mapper will move them into event_properties once the text is fixed and the record sent again
                otherColumns.properties().forEach(field -> event.putIfAbsent(field.getKey(), field.getValue()));
            }
        }
        if (problem == null) {
            problem = missingField(event);
        }
        if (problem == null && !event.has("insert_id")) {
            if (keyValues.contains(null)) {
                problem = "a key column is NULL, so no insert_id can be derived";
            } else {
                event.put("insert_id", DerivedInsertId.ofRow(insertIdNamespace, keyValues));
            }
        }
        if (problem != null) {
            return Unreadable.text(line, event.toString(), rowName(keyValues) + ": " + problem);
        }
        return new Tree(line, event);
    }

    /** The fields without which a row is no event: said here because only here is NULL told from absent. */
    private String missingField(ObjectNode event) {
        if (!event.has("event_type")) {
            return nullField("event_type");
        }
        if (!event.has("time")) {
            return nullField("time");
        }
        if (!event.has("user_id") && !event.has("device_id")) {
            return "user_id and device_id are both NULL";
        }
        return null;
    }

    private String nullField(String field) {
        for (Placement placement : placements) {
            if (field.equals(placement.field()) && !placement.column().name().equals(field)) {
                return field + " (column " + placement.column().name() + ") is NULL";
            }
        }
        return field + " is NULL";
    }

    /** "table events, id 42", "table order_items, order_id 7, line_no 3", "query, code \"x-1\"". */
    private String rowName(List<Object> keyValues) {
        StringBuilder name = new StringBuilder(source.description());
        for (int i = 0; i < keys.size(); i++) {
            Object value = keyValues.get(i);
            name.append(", ").append(keys.get(i).name()).append(' ')
                    .append(value instanceof String s ? "\"" + s + "\"" : String.valueOf(value));
        }
        return name.toString();
    }
}

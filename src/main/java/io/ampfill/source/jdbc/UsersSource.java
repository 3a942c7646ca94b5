package io.ampfill.source.jdbc;

import io.ampfill.secret.SecretText;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ampfill.setting.BadSettingException;
import io.ampfill.source.RecordReader;
import io.ampfill.source.RecordReaders;
import io.ampfill.source.SourceRecord;
import io.ampfill.source.SourceRecord.Line;
import io.ampfill.source.SourceRecord.Tree;
import io.ampfill.source.SourceRecord.Unreadable;
import io.ampfill.source.jdbc.JdbcTableReader.Page;
import io.ampfill.source.jdbc.ResolvedSource.Column;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Pre-existing users as signup events: for each user one record
 * {@code {event_type: "Signed Up", user_id, time: the user's creation time, user_properties, insert_id: "signup-" + hash(user id)}}.
 * The insert_id depends on the user id alone, so a user read twice (another run, the table and a CSV file) still
 * signs up once. Sending them before the users' other events is the pipeline's part.
 * <ul>
 * <li>From a table: paged like {@link JdbcTableReader}, by (creation time, user id), so users created in the same
 *     instant are neither lost nor repeated at a page boundary. A user whose creation time is NULL is in no page:
 *     {@link #rowsWithoutCursor()} counts them.</li>
 * <li>From a CSV file (backfill.users.csv, a header row naming the columns; .csv.gz too): paged in file order,
 *     the position being the line a row starts on. Cells are text; the mapper reads the time from epoch
 *     milliseconds or ISO-8601.</li>
 * </ul>
 * Not thread-safe.
 */
public final class UsersSource implements PagedSource {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final UsersSettings settings;
    private final Pages pages;

    private interface Pages extends AutoCloseable {
        Page read(Object after) throws SQLException, IOException;

        long rowsFrom(Object after, RowCount count) throws SQLException, IOException;

        String name();

        long rowsWithoutCursor() throws SQLException;

        @Override
        void close();
    }

    private UsersSource(UsersSettings settings, DataSource dataSource) throws SQLException {
        this.settings = settings;
        this.pages = settings.csv() != null ? new CsvPages(settings) : new TablePages(settings, dataSource);
    }

    /**
     * Opens the users source the settings name; checks the table and columns against the database now.
     *
     * @param dataSource the backfill.jdbc.url database; unused (may be null) when users come from a CSV file
     * @throws BadSettingException a one-line error naming the setting that does not fit
     */
    public static UsersSource open(UsersSettings settings, DataSource dataSource) throws SQLException, IOException {
        if (settings.csv() != null) {
            if (!Files.isRegularFile(settings.csv())) {
                throw new BadSettingException(UsersSettings.CSV, "no such file: " + settings.csv());
            }
            if (!RecordReaders.supports(settings.csv().getFileName().toString())) {
                throw new BadSettingException(UsersSettings.CSV, "not a file ampfill reads (.csv, .ndjson, .jsonl, .json, each optionally .gz): " + settings.csv());
            }
            return new UsersSource(settings, null);
        }
        if (dataSource == null) {
            throw new IllegalArgumentException("users from a table need the database's DataSource");
        }
        return new UsersSource(settings, dataSource);
    }

    /** The users after {@code after} (null: from the first; else a page's lastCursor), at most pageSize of them. */
    public Page readPage(Object after) throws SQLException, IOException {
        return pages.read(after);
    }

    @Override
    public long rowsFrom(Object after, RowCount count) throws SQLException, IOException {
        return pages.rowsFrom(after, count);
    }

    /** "users table users" or "users file users.csv": names the source in dead letters and reasons. */
    public String sourceName() {
        return pages.name();
    }

    /** Users without a creation time (table only; 0 for a file): they get no signup, so a caller should report them. */
    public long rowsWithoutCursor() throws SQLException {
        return pages.rowsWithoutCursor();
    }

    @Override
    public void close() {
        pages.close();
    }

    private ObjectNode signup(String userId, JsonNode time, ObjectNode userProperties) {
        ObjectNode event = NODES.objectNode();
        event.put("event_type", settings.eventType());
        event.put("user_id", userId);
        event.set("time", time);
        if (userProperties != null && !userProperties.isEmpty()) {
            event.set("user_properties", userProperties);
        }
        if (userId != null) {
            event.put("insert_id", DerivedInsertId.ofSignup(userId));
        }
        return event;
    }

    private final class TablePages implements Pages {
        private final HeldConnection connection;
        private final ResolvedSource source;
        private final KeysetPager pager;
        private final Column id;
        private final Column created;
        private final List<Column> properties = new ArrayList<>();
        private final List<Column> selected;
        private long ordinal;

        TablePages(UsersSettings settings, DataSource dataSource) throws SQLException {
            this.connection = new HeldConnection(dataSource, null);
            try {
                Connection c = connection.get();
                this.source = ResolvedSource.table(c, UsersSettings.TABLE, settings.table());
                this.id = source.column(UsersSettings.ID_COLUMN, settings.idColumn());
                this.created = source.column(UsersSettings.CREATED_COLUMN, settings.createdColumn());
                for (String name : settings.propertiesColumns()) {
                    properties.add(source.column(UsersSettings.PROPERTIES_COLUMNS, name));
                }
                if (!id.kind().orders()) {
                    throw new BadSettingException(UsersSettings.ID_COLUMN, "column " + id.name() + " has type " + id.typeName()
                            + ", which cannot be a user id (use a number, text or UUID column)");
                }
                if (!created.kind().orders()) {
                    throw new BadSettingException(UsersSettings.CREATED_COLUMN, "column " + created.name() + " has type "
                            + created.typeName() + ", which cannot order users (use a time, date or epoch-milliseconds column)");
                }
                Set<Column> columns = new LinkedHashSet<>();
                columns.add(id);
                columns.add(created);
                columns.addAll(properties);
                this.selected = List.copyOf(columns);
                this.pager = new KeysetPager(source, selected, created, id.equals(created) ? List.of() : List.of(id));
            } catch (SQLException e) {
                connection.close();
                throw SecretText.masked(e, null);
            } catch (RuntimeException e) {
                connection.close();
                throw e;
            }
        }

        @Override
        public Page read(Object after) throws SQLException {
            List<SourceRecord> records = new ArrayList<>(settings.pageSize());
            try {
                CursorPosition last = pager.read(connection.get(), after, settings.pageSize(), (row, position) -> records.add(record(row)));
                return new Page(records, last, records.size() == settings.pageSize());
            } catch (SQLException e) {
                connection.discard();
                throw SecretText.masked(e, null);
            }
        }

        private SourceRecord record(ResultSet row) throws SQLException {
            ordinal++;
            String problem = null;
            Object idValue = null;
            try {
                idValue = ColumnValues.position(row, selected.indexOf(id) + 1, id.kind());
            } catch (ColumnValues.BadValue e) {
                problem = id.name() + " is " + e.getMessage();
            }
            JsonNode time = null;
            try {
                time = ColumnValues.json(row, selected.indexOf(created) + 1, created.kind());
            } catch (ColumnValues.BadValue e) {
                problem = problem != null ? problem : created.name() + " is " + e.getMessage();
            }
            ObjectNode userProperties = NODES.objectNode();
            for (int i = 0; i < properties.size(); i++) {
                Column property = properties.get(i);
                try {
                    JsonNode value = ColumnValues.json(row, selected.indexOf(property) + 1, property.kind());
                    if (value != null) {
                        // named as the user wrote it in the setting, not as the database stores it (H2: upper case)
                        userProperties.set(settings.propertiesColumns().get(i), value);
                    }
                } catch (ColumnValues.BadValue e) {
                    problem = problem != null ? problem : property.name() + " is " + e.getMessage();
                }
            }
            if (problem == null && idValue == null) {
                problem = id.name() + " is NULL";
            }
            long line = idValue instanceof Long n ? n : ordinal;
            String userId = idValue == null ? null : ColumnValues.canonical(idValue);
            ObjectNode event = signup(userId, time, userProperties);
            if (problem != null) {
                event.remove("insert_id");
                return Unreadable.text(line, event.toString(), name() + ", " + rowName(row, idValue) + ": " + problem);
            }
            return new Tree(line, event);
        }

        @Override
        public long rowsFrom(Object after, RowCount count) throws SQLException {
            return count.rowsFrom(pager, after);
        }

        /** The user's id, or where the id is NULL, the creation time that tells the row apart. */
        private String rowName(ResultSet row, Object idValue) throws SQLException {
            if (idValue != null) {
                return id.name() + " " + (idValue instanceof String s ? "\"" + s + "\"" : idValue);
            }
            try {
                Object createdValue = ColumnValues.position(row, selected.indexOf(created) + 1, created.kind());
                return "a row with " + created.name() + " " + ColumnValues.canonical(createdValue);
            } catch (ColumnValues.BadValue e) {
                return "row " + ordinal;
            }
        }

        @Override
        public String name() {
            return "users " + source.description();
        }

        @Override
        public long rowsWithoutCursor() throws SQLException {
            try {
                return pager.rowsWithoutCursor(connection.get());
            } catch (SQLException e) {
                connection.discard();
                throw SecretText.masked(e, null);
            }
        }

        @Override
        public void close() {
            connection.close();
        }
    }

    /** A CSV file read in file order, kept open between pages; reopened only when asked for a position it has passed. */
    private final class CsvPages implements Pages {
        private final Path file;
        private RecordReader reader;
        private final Deque<SourceRecord> pending = new ArrayDeque<>();
        private boolean more;
        private long lastLine = -1;

        CsvPages(UsersSettings settings) {
            this.file = settings.csv();
        }

        @Override
        public Page read(Object after) throws IOException {
            long afterLine = after == null ? 0 : lineOf(after);
            if (reader == null || afterLine != lastLine) {
                close();
                reader = RecordReaders.open(file);
                more = true;
            }
            List<SourceRecord> records = new ArrayList<>(settings.pageSize());
            while (records.size() < settings.pageSize()) {
                if (pending.isEmpty()) {
                    if (!more) {
                        break;
                    }
                    List<SourceRecord> chunk = new ArrayList<>(settings.pageSize());
                    more = reader.readChunk(chunk, settings.pageSize());
                    pending.addAll(chunk);
                    continue;
                }
                SourceRecord record = pending.poll();
                if (record.line() > afterLine) {
                    records.add(signup(record));
                }
            }
            if (!records.isEmpty()) {
                lastLine = records.get(records.size() - 1).line();
            } else {
                lastLine = afterLine;
            }
            return new Page(records, records.isEmpty() ? null : new CursorPosition(lastLine, List.of()),
                    records.size() == settings.pageSize());
        }

        /** The file's records after that line, read through once (in steps, so that a cancelled count ends soon). */
        @Override
        public long rowsFrom(Object after, RowCount count) throws SQLException, IOException {
            long afterLine = after == null ? 0 : lineOf(after);
            long rows = 0;
            try (RecordReader counted = RecordReaders.open(file)) {
                List<SourceRecord> chunk = new ArrayList<>(settings.pageSize());
                boolean more = true;
                while (more) {
                    count.refuseIfCancelled();
                    chunk.clear();
                    more = counted.readChunk(chunk, settings.pageSize());
                    rows += chunk.stream().filter(record -> record.line() > afterLine).count();
                }
            }
            return rows;
        }

        private long lineOf(Object after) {
            Object line = after instanceof CursorPosition position ? position.cursor() : after;
            if (line instanceof Number n) {
                return n.longValue();
            }
            throw new IllegalArgumentException("a users file is positioned by line number, not " + line);
        }

        private SourceRecord signup(SourceRecord read) {
            String at = name() + ", line " + read.line() + ": ";
            SourceRecord parsed = read instanceof Line line ? line.parsed() : read;
            if (!(parsed instanceof Tree row)) {
                return ((Unreadable) parsed).at(at);
            }
            Map<String, JsonNode> byName = new HashMap<>();
            row.value().properties().forEach(field -> byName.put(field.getKey().toLowerCase(Locale.ROOT), field.getValue()));
            JsonNode id = byName.get(settings.idColumn().toLowerCase(Locale.ROOT));
            JsonNode created = byName.get(settings.createdColumn().toLowerCase(Locale.ROOT));
            ObjectNode userProperties = NODES.objectNode();
            row.value().properties().forEach(field -> {
                if (settings.propertiesColumns().stream().anyMatch(p -> p.equalsIgnoreCase(field.getKey()))) {
                    userProperties.set(field.getKey(), field.getValue());
                }
            });
            String problem = id == null || id.asText().isBlank() ? settings.idColumn() + " is empty"
                    : created == null ? settings.createdColumn() + " is empty" : null;
            if (problem != null) {
                return Unreadable.text(row.line(), row.value().toString(), at + problem);
            }
            return new Tree(row.line(), UsersSource.this.signup(id.asText().strip(), created, userProperties));
        }

        @Override
        public String name() {
            return "users file " + file.getFileName();
        }

        @Override
        public long rowsWithoutCursor() {
            return 0;
        }

        @Override
        public void close() {
            pending.clear();
            if (reader != null) {
                try {
                    reader.close();
                } catch (IOException ignored) {
                    // read-only file; nothing to lose
                }
                reader = null;
            }
        }
    }
}

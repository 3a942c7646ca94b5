package io.ampfill.source.jdbc;

import io.ampfill.secret.SecretText;
import io.ampfill.setting.BadSettingException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The settings of the JDBC event source (backfill.source=jdbc), read once and checked for form; whether the table
 * and columns exist is checked against the database by {@link JdbcTableReader}. The password is never part of
 * {@link #toString()}, and the URL is shown with any password in it masked.
 */
public final class JdbcSourceSettings {
    public static final String URL = "backfill.jdbc.url";
    public static final String USER = "backfill.jdbc.user";
    public static final String PASSWORD = "backfill.jdbc.password";
    /** Read when backfill.jdbc.password is not set. */
    public static final String PASSWORD_ENV = "BACKFILL_JDBC_PASSWORD";
    public static final String TABLE = "backfill.jdbc.table";
    public static final String QUERY = "backfill.jdbc.query";
    public static final String CURSOR_COLUMN = "backfill.jdbc.cursor-column";
    public static final String KEY_COLUMN = "backfill.jdbc.key-column";
    public static final String KEY_TABLE = "backfill.jdbc.key-table";
    public static final String PAGE_SIZE = "backfill.jdbc.page-size";
    public static final String OTHER_COLUMNS = "backfill.jdbc.other-columns";
    /** backfill.map.FIELD = COLUMN, for every Amplitude upload field. */
    public static final String MAP_PREFIX = "backfill.map.";

    public static final int DEFAULT_PAGE_SIZE = 1000;
    /** A page is held in memory whole: beyond this, one page could outgrow the heap. */
    public static final int MAX_PAGE_SIZE = 100_000;

    private final String url;
    private final String user;
    private final String password;
    private final String table;
    private final String query;
    private final String cursorColumn;
    private final List<String> keyColumns;
    private final String keyTable;
    private final int pageSize;
    private final Map<String, String> fieldToColumn;
    private final boolean unknownColumnsToEventProperties;

    private JdbcSourceSettings(String url, String user, String password, String table, String query, String cursorColumn,
                               List<String> keyColumns, String keyTable, int pageSize, Map<String, String> fieldToColumn,
                               boolean unknownColumnsToEventProperties) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.table = table;
        this.query = query;
        this.cursorColumn = cursorColumn;
        this.keyColumns = List.copyOf(keyColumns);
        this.keyTable = keyTable;
        this.pageSize = pageSize;
        this.fieldToColumn = Collections.unmodifiableMap(new LinkedHashMap<>(fieldToColumn));
        this.unknownColumnsToEventProperties = unknownColumnsToEventProperties;
    }

    /**
     * Reads backfill.jdbc.* and backfill.map.* through property (empty values count as not set); the password falls
     * back to the environment variable BACKFILL_JDBC_PASSWORD.
     *
     * @throws BadSettingException naming the first setting that cannot be used
     */
    public static JdbcSourceSettings from(Function<String, Optional<String>> property) {
        return from(property, name -> Optional.ofNullable(System.getenv(name)));
    }

    static JdbcSourceSettings from(Function<String, Optional<String>> property, Function<String, Optional<String>> env) {
        Function<String, Optional<String>> setting = name -> property.apply(name).map(String::strip).filter(v -> !v.isEmpty());
        String url = setting.apply(URL).orElseThrow(() -> new BadSettingException(URL, "not set (a JDBC URL such as jdbc:postgresql://host:5432/db)"));
        if (!url.startsWith("jdbc:")) {
            throw new BadSettingException(URL, "must start with jdbc:, got \"" + SecretText.mask(url, null) + "\"");
        }
        String password = property.apply(PASSWORD).filter(v -> !v.isEmpty())
                .or(() -> env.apply(PASSWORD_ENV).filter(v -> !v.isEmpty())).orElse(null);
        String table = setting.apply(TABLE).orElse(null);
        String query = setting.apply(QUERY).map(JdbcSourceSettings::withoutTrailingSemicolon).orElse(null);
        if ((table == null) == (query == null)) {
            throw new BadSettingException(table == null ? TABLE : QUERY,
                    table == null ? "set either " + TABLE + " or " + QUERY : "set only one of " + TABLE + " and " + QUERY);
        }
        List<String> keyColumns = list(setting.apply(KEY_COLUMN).orElse(""));
        if (query != null && keyColumns.isEmpty()) {
            throw new BadSettingException(KEY_COLUMN, "required with " + QUERY + ": the column (or comma list) that identifies a row");
        }
        int pageSize = setting.apply(PAGE_SIZE).map(v -> wholeNumber(PAGE_SIZE, v, 1, MAX_PAGE_SIZE)).orElse(DEFAULT_PAGE_SIZE);
        String otherColumns = setting.apply(OTHER_COLUMNS).orElse("event_properties").toLowerCase(Locale.ROOT);
        if (!otherColumns.equals("event_properties") && !otherColumns.equals("ignore")) {
            throw new BadSettingException(OTHER_COLUMNS, "must be event_properties or ignore, got \"" + otherColumns + "\"");
        }
        Map<String, String> fieldToColumn = new LinkedHashMap<>();
        for (String field : new TreeSet<>(AmplitudeNames.UPLOAD_FIELDS)) {
            setting.apply(MAP_PREFIX + field).ifPresent(column -> fieldToColumn.put(field, column));
        }
        return new JdbcSourceSettings(url, setting.apply(USER).orElse(null), password, table, query,
                setting.apply(CURSOR_COLUMN).orElse(null), keyColumns, setting.apply(KEY_TABLE).orElse(null), pageSize,
                fieldToColumn, otherColumns.equals("event_properties"));
    }

    static int wholeNumber(String name, String value, int min, int max) {
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new BadSettingException(name, "must be a whole number from " + min + " to " + max + ", got \"" + value + "\"");
    }

    static List<String> list(String commaList) {
        List<String> names = new ArrayList<>();
        for (String name : commaList.split(",")) {
            if (!name.isBlank()) {
                names.add(name.strip());
            }
        }
        return names;
    }

    private static String withoutTrailingSemicolon(String query) {
        String q = query.strip();
        while (q.endsWith(";")) {
            q = q.substring(0, q.length() - 1).strip();
        }
        return q;
    }

    /** A DataSource over DriverManager with these URL and credentials (not pooled; the reader keeps one connection). */
    public DriverDataSource dataSource() {
        return new DriverDataSource(url, user, password);
    }

    public String url() {
        return url;
    }

    public String user() {
        return user;
    }

    /** The password, or null. Never log it; {@link #toString()} leaves it out. */
    public String password() {
        return password;
    }

    /** The table to read, as set (maybe schema.table); null when a query is set. */
    public String table() {
        return table;
    }

    /** The query to read, without a trailing semicolon; null when a table is set. */
    public String query() {
        return query;
    }

    /** The column rows are read in order of; null: the single key column, taken only when it is an integer, time or date. */
    public String cursorColumn() {
        return cursorColumn;
    }

    /** The column(s) that identify a row; empty: the table's primary key. Required with a query. */
    public List<String> keyColumns() {
        return keyColumns;
    }

    /**
     * The table name derived insert_ids are made from (with the key); null: backfill.jdbc.table. Required with a
     * query that returns no insert_id column: two queries over different tables must not share ids.
     */
    public String keyTable() {
        return keyTable;
    }

    public int pageSize() {
        return pageSize;
    }

    /** Amplitude field -> the column that fills it (backfill.map.FIELD = COLUMN). */
    public Map<String, String> fieldToColumn() {
        return fieldToColumn;
    }

    /** true: columns that are no Amplitude field go into event_properties; false: they are left out. */
    public boolean unknownColumnsToEventProperties() {
        return unknownColumnsToEventProperties;
    }

    @Override
    public String toString() {
        return "JdbcSourceSettings[url=" + SecretText.mask(url, password) + ", user=" + user
                + ", password=" + (password == null ? "(none)" : SecretText.MASK)
                + (table != null ? ", table=" + table : ", query=" + query)
                + ", cursorColumn=" + cursorColumn + ", keyColumns=" + keyColumns + ", keyTable=" + keyTable
                + ", pageSize=" + pageSize + ", fieldToColumn=" + fieldToColumn
                + ", otherColumns=" + (unknownColumnsToEventProperties ? "event_properties" : "ignore") + "]";
    }
}

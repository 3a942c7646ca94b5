package io.ampfill.source.jdbc;

import io.ampfill.setting.BadSettingException;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where pre-existing users come from (backfill.users.*): a table in the backfill.jdbc.url database, or a CSV file,
 * with a user id, a creation time and optional properties. Each user becomes one signup event.
 */
public final class UsersSettings {
    public static final String TABLE = "backfill.users.table";
    public static final String CSV = "backfill.users.csv";
    public static final String ID_COLUMN = "backfill.users.id-column";
    public static final String CREATED_COLUMN = "backfill.users.created-column";
    public static final String PROPERTIES_COLUMNS = "backfill.users.properties-columns";
    public static final String EVENT_TYPE = "backfill.users.event-type";
    public static final String PAGE_SIZE = "backfill.users.page-size";

    public static final String DEFAULT_ID_COLUMN = "user_id";
    public static final String DEFAULT_CREATED_COLUMN = "created_at";
    public static final String DEFAULT_EVENT_TYPE = "Signed Up";

    private final String table;
    private final Path csv;
    private final String idColumn;
    private final String createdColumn;
    private final List<String> propertiesColumns;
    private final String eventType;
    private final int pageSize;

    private UsersSettings(String table, Path csv, String idColumn, String createdColumn, List<String> propertiesColumns,
                          String eventType, int pageSize) {
        this.table = table;
        this.csv = csv;
        this.idColumn = idColumn;
        this.createdColumn = createdColumn;
        this.propertiesColumns = List.copyOf(propertiesColumns);
        this.eventType = eventType;
        this.pageSize = pageSize;
    }

    /**
     * The users settings, or empty when neither backfill.users.table nor backfill.users.csv is set (no signups).
     *
     * @throws BadSettingException naming the first setting that cannot be used
     */
    public static Optional<UsersSettings> from(Function<String, Optional<String>> property) {
        Function<String, Optional<String>> setting = name -> property.apply(name).map(String::strip).filter(v -> !v.isEmpty());
        String table = setting.apply(TABLE).orElse(null);
        String csv = setting.apply(CSV).orElse(null);
        if (table == null && csv == null) {
            return Optional.empty();
        }
        if (table != null && csv != null) {
            throw new BadSettingException(CSV, "set only one of " + TABLE + " and " + CSV);
        }
        int pageSize = setting.apply(PAGE_SIZE)
                .map(v -> JdbcSourceSettings.wholeNumber(PAGE_SIZE, v, 1, JdbcSourceSettings.MAX_PAGE_SIZE))
                .orElse(JdbcSourceSettings.DEFAULT_PAGE_SIZE);
        return Optional.of(new UsersSettings(table, csv == null ? null : Path.of(csv),
                setting.apply(ID_COLUMN).orElse(DEFAULT_ID_COLUMN),
                setting.apply(CREATED_COLUMN).orElse(DEFAULT_CREATED_COLUMN),
                JdbcSourceSettings.list(setting.apply(PROPERTIES_COLUMNS).orElse("")),
                setting.apply(EVENT_TYPE).orElse(DEFAULT_EVENT_TYPE), pageSize));
    }

    /** The users table (maybe schema.table), or null when users come from a CSV file. */
    public String table() {
        return table;
    }

    /** The users CSV file, or null when users come from a table. */
    public Path csv() {
        return csv;
    }

    public String idColumn() {
        return idColumn;
    }

    public String createdColumn() {
        return createdColumn;
    }

    /** Columns copied into the signup's user_properties; may be empty. */
    public List<String> propertiesColumns() {
        return propertiesColumns;
    }

    public String eventType() {
        return eventType;
    }

    public int pageSize() {
        return pageSize;
    }

    @Override
    public String toString() {
        return "UsersSettings[" + (table != null ? "table=" + table : "csv=" + csv) + ", idColumn=" + idColumn
                + ", createdColumn=" + createdColumn + ", propertiesColumns=" + propertiesColumns
                + ", eventType=" + eventType + ", pageSize=" + pageSize + "]";
    }
}

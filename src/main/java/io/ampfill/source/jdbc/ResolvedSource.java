package io.ampfill.source.jdbc;

import io.ampfill.setting.BadSettingException;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A table or a query as the database describes it: where to select from (quoted), and its columns with their
 * stored names and kinds. Names from the settings are looked up here, case-insensitively, and only the names the
 * database returned are ever written into SQL, quoted with its identifier quote. So a setting can name a table
 * or column but can never inject SQL; the query setting is SQL by design, written by whoever runs ampfill.
 */
final class ResolvedSource {
    private static final int LISTED_NAMES = 12;

    /** A column of the source, under the name the database stores. */
    record Column(String name, ColumnKind kind, String typeName) {
    }

    private final String description;
    private final String storedTableName;
    private final String from;
    private final List<Column> columns;
    private final List<String> primaryKey;
    private final String quote;

    private ResolvedSource(String description, String storedTableName, String from, List<Column> columns,
                           List<String> primaryKey, String quote) {
        this.description = description;
        this.storedTableName = storedTableName;
        this.from = from;
        this.columns = List.copyOf(columns);
        this.primaryKey = List.copyOf(primaryKey);
        this.quote = quote;
    }

    /** "table events", "query": how errors and dead letters name the source. */
    String description() {
        return description;
    }

    /** The table's name as stored (no schema); null for a query. */
    String storedTableName() {
        return storedTableName;
    }

    /** What goes after FROM: the quoted, schema-qualified table, or the query in parentheses. */
    String from() {
        return from;
    }

    List<Column> columns() {
        return columns;
    }

    /** The primary key's columns in key order; empty for a query, a view or a table without one. */
    List<String> primaryKey() {
        return primaryKey;
    }

    String quoted(String storedName) {
        return quote(quote, storedName);
    }

    /**
     * The column a setting names, matched without regard to case (an exact match wins when two differ only in case).
     *
     * @throws BadSettingException naming the setting when the source has no such column
     */
    Column column(String setting, String name) {
        Column caseless = null;
        int caselessMatches = 0;
        for (Column column : columns) {
            if (column.name().equals(name)) {
                return column;
            }
            if (column.name().equalsIgnoreCase(name)) {
                caseless = column;
                caselessMatches++;
            }
        }
        if (caselessMatches == 1) {
            return caseless;
        }
        if (caselessMatches > 1) {
            throw new BadSettingException(setting, description + " has several columns named \"" + name
                    + "\" in different case; write the name in its exact case");
        }
        throw new BadSettingException(setting, description + " has no column \"" + name + "\" (columns: "
                + listed(columns.stream().map(Column::name).toList()) + ")");
    }

    /** A table, as set in backfill.jdbc.table (or backfill.users.table): "name" or "schema.name". */
    static ResolvedSource table(Connection connection, String setting, String tableName) throws SQLException {
        DatabaseMetaData metadata = connection.getMetaData();
        String quote = quoteOf(metadata);
        boolean catalogsAreDatabases = catalogsAreDatabases(metadata);
        TableName found = findTable(connection, metadata, setting, tableName, catalogsAreDatabases);
        String qualifier = catalogsAreDatabases ? found.catalog : found.schema;
        String from = (qualifier == null ? "" : quote(quote, qualifier) + ".") + quote(quote, found.name);
        String description = "table " + (found.qualified ? qualifier + "." : "") + found.name;
        List<Column> columns = probeColumns(connection, from, setting, description);
        List<String> primaryKey = primaryKey(metadata, found);
        return new ResolvedSource(description, found.name, from, columns, primaryKey, quote);
    }

    /** A query, as set in backfill.jdbc.query: read as a derived table, so its columns are those of its result. */
    static ResolvedSource query(Connection connection, String setting, String query) throws SQLException {
        String quote = quoteOf(connection.getMetaData());
        String from = "(" + query + ")";
        List<Column> columns = probeColumns(connection, from, setting, "query");
        Map<String, Long> byName = columns.stream()
                .collect(Collectors.groupingBy(c -> c.name().toLowerCase(Locale.ROOT), TreeMap::new, Collectors.counting()));
        byName.forEach((name, count) -> {
            if (count > 1) {
                throw new BadSettingException(setting, "the query returns " + count + " columns named \"" + name
                        + "\"; give them distinct aliases (AS ...)");
            }
        });
        return new ResolvedSource("query", null, from, columns, List.of(), quote);
    }

    private record TableName(String catalog, String schema, String name, boolean qualified) {
    }

    private static TableName findTable(Connection connection, DatabaseMetaData metadata, String setting, String tableName,
                                       boolean catalogsAreDatabases) throws SQLException {
        // the whole name first (a table may have a dot in its name), then schema.table
        String qualifier = null;
        String simpleName = tableName;
        List<TableName> candidates = tablesNamed(connection, metadata, null, tableName, catalogsAreDatabases);
        int dot = tableName.lastIndexOf('.');
        if (candidates.isEmpty() && dot > 0 && dot < tableName.length() - 1) {
            qualifier = tableName.substring(0, dot);
            simpleName = tableName.substring(dot + 1);
            candidates = tablesNamed(connection, metadata, qualifier, simpleName, catalogsAreDatabases);
        }
        if (candidates.isEmpty()) {
            String where = (catalogsAreDatabases ? "database " : "schema ")
                    + (qualifier != null ? qualifier : catalogsAreDatabases ? connection.getCatalog() : connection.getSchema());
            List<String> there = tablesNamed(connection, metadata, qualifier, null, catalogsAreDatabases)
                    .stream().map(TableName::name).sorted().toList();
            throw new BadSettingException(setting, "no table or view named \"" + tableName + "\" in " + where
                    + (there.isEmpty() ? "" : " (there: " + listed(there) + ")"));
        }
        if (candidates.size() == 1) {
            return candidates.get(0);
        }
        String wanted = simpleName;
        List<TableName> exact = candidates.stream().filter(t -> t.name.equals(wanted)).toList();
        if (exact.size() != 1) {
            throw new BadSettingException(setting, "several tables match \"" + tableName + "\" when case is ignored ("
                    + listed(candidates.stream().map(TableName::name).toList()) + "); write the name in its exact case");
        }
        return exact.get(0);
    }

    /**
     * Tables and views whose name equals name ignoring case (all of them when name is null), in the given schema
     * (or database) or else the connection's current one.
     */
    private static List<TableName> tablesNamed(Connection connection, DatabaseMetaData metadata, String qualifier, String name,
                                               boolean catalogsAreDatabases) throws SQLException {
        String catalog = connection.getCatalog();
        String schema = catalogsAreDatabases ? null : connection.getSchema();
        if (qualifier != null) {
            String stored = storedQualifier(metadata, qualifier, catalogsAreDatabases);
            if (stored == null) {
                return List.of();
            }
            if (catalogsAreDatabases) {
                catalog = stored;
            } else {
                schema = stored;
            }
        }
        List<TableName> found = new ArrayList<>();
        // the metadata patterns treat _ and % as wildcards and may be case-sensitive: list the schema, match here
        try (ResultSet tables = metadata.getTables(catalog, escaped(metadata, schema), "%", null)) {
            while (tables.next()) {
                String type = String.valueOf(tables.getString("TABLE_TYPE")).toUpperCase(Locale.ROOT);
                String tableName = tables.getString("TABLE_NAME");
                if ((type.contains("TABLE") || type.contains("VIEW")) && !type.contains("INDEX")
                        && (name == null || tableName.equalsIgnoreCase(name))) {
                    found.add(new TableName(tables.getString("TABLE_CAT"), tables.getString("TABLE_SCHEM"), tableName, qualifier != null));
                }
            }
        }
        return found;
    }

    /** The stored spelling of a schema (or, where catalogs are databases, a database) named without regard to case. */
    private static String storedQualifier(DatabaseMetaData metadata, String qualifier, boolean catalogsAreDatabases) throws SQLException {
        List<String> names = new ArrayList<>();
        try (ResultSet rows = catalogsAreDatabases ? metadata.getCatalogs() : metadata.getSchemas()) {
            while (rows.next()) {
                names.add(rows.getString(1));
            }
        }
        if (names.contains(qualifier)) {
            return qualifier;
        }
        List<String> caseless = names.stream().filter(n -> n.equalsIgnoreCase(qualifier)).toList();
        return caseless.size() == 1 ? caseless.get(0) : null;
    }

    private static String escaped(DatabaseMetaData metadata, String name) throws SQLException {
        if (name == null) {
            return null;
        }
        String escape = metadata.getSearchStringEscape();
        if (escape == null || escape.isEmpty()) {
            return name;
        }
        return name.replace(escape, escape + escape).replace("_", escape + "_").replace("%", escape + "%");
    }

    private static List<String> primaryKey(DatabaseMetaData metadata, TableName table) throws SQLException {
        TreeMap<Short, String> bySequence = new TreeMap<>();
        try (ResultSet keys = metadata.getPrimaryKeys(table.catalog, table.schema, table.name)) {
            while (keys.next()) {
                bySequence.put(keys.getShort("KEY_SEQ"), keys.getString("COLUMN_NAME"));
            }
        }
        return new ArrayList<>(bySequence.values());
    }

    /** The columns of what FROM selects, from the metadata of a query that returns no row. */
    private static List<Column> probeColumns(Connection connection, String from, String setting, String description) throws SQLException {
        List<Column> columns = new ArrayList<>();
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT * FROM " + from + " q WHERE 1 = 0")) {
            ResultSetMetaData metadata = rows.getMetaData();
            for (int i = 1; i <= metadata.getColumnCount(); i++) {
                columns.add(new Column(metadata.getColumnLabel(i),
                        ColumnKind.of(metadata.getColumnType(i), metadata.getColumnTypeName(i)), metadata.getColumnTypeName(i)));
            }
        } catch (SQLException e) {
            if (description.equals("query")) {
                throw new BadSettingException(setting, "the database does not accept the query: " + ColumnValues.firstLine(e.getMessage()));
            }
            throw e;
        }
        return columns;
    }

    private static String quoteOf(DatabaseMetaData metadata) throws SQLException {
        String quote = metadata.getIdentifierQuoteString();
        return quote == null || quote.isBlank() ? "" : quote.strip();
    }

    /** MySQL and MariaDB call a database a catalog and have no schemas in JDBC's sense. */
    static boolean catalogsAreDatabases(DatabaseMetaData metadata) throws SQLException {
        String product = metadata.getDatabaseProductName().toLowerCase(Locale.ROOT);
        return product.contains("mysql") || product.contains("mariadb");
    }

    static String quote(String quote, String name) {
        if (quote.isEmpty()) {
            if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new IllegalStateException("this database quotes no identifiers, and \"" + name + "\" needs quoting");
            }
            return name;
        }
        return quote + name.replace(quote, quote + quote) + quote;
    }

    private static String listed(List<String> names) {
        return names.size() <= LISTED_NAMES ? String.join(", ", names)
                : String.join(", ", names.subList(0, LISTED_NAMES)) + ", ... " + (names.size() - LISTED_NAMES) + " more";
    }
}

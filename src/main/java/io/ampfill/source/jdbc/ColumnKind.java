package io.ampfill.source.jdbc;

import java.sql.Types;
import java.util.Locale;

/**
 * What a column holds, as far as turning it into JSON goes, told from the JDBC type and the database's type name
 * (PostgreSQL reports timestamptz and jsonb only by name: as Types.TIMESTAMP and Types.OTHER).
 */
enum ColumnKind {
    INTEGER, DECIMAL, FLOAT, BOOLEAN, TEXT, JSON,
    /** No zone (SQL TIMESTAMP, MariaDB DATETIME and TIMESTAMP): the value is taken as UTC. */
    TIMESTAMP,
    /** TIMESTAMP WITH TIME ZONE, PostgreSQL timestamptz: an instant. */
    TIMESTAMP_TZ,
    DATE, UUID,
    /** Bytes: not an event property; such columns are left out. */
    BINARY,
    /** Anything else (arrays, intervals, TIME, ...): read as the driver's object, else as text. */
    OTHER;

    static ColumnKind of(int jdbcType, String typeName) {
        String name = typeName == null ? "" : typeName.toLowerCase(Locale.ROOT);
        if (name.equals("json") || name.equals("jsonb")) {
            return JSON;
        }
        if (name.equals("uuid")) {
            return UUID;
        }
        if (name.equals("timestamptz") || name.equals("timestamp with time zone")) {
            return TIMESTAMP_TZ;
        }
        return switch (jdbcType) {
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT -> INTEGER;
            case Types.NUMERIC, Types.DECIMAL -> DECIMAL;
            case Types.REAL, Types.FLOAT, Types.DOUBLE -> FLOAT;
            case Types.BOOLEAN -> BOOLEAN;
            // BIT(1) is a boolean (PostgreSQL bool, MariaDB BIT(1), TINYINT(1)); wider BITs come back as bytes
            case Types.BIT -> name.equals("bool") || name.equals("boolean") || name.equals("bit") || name.equals("tinyint") ? BOOLEAN : OTHER;
            case Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR, Types.NCHAR, Types.NVARCHAR, Types.LONGNVARCHAR,
                 Types.CLOB, Types.NCLOB -> TEXT;
            case Types.TIMESTAMP -> TIMESTAMP;
            case Types.TIMESTAMP_WITH_TIMEZONE -> TIMESTAMP_TZ;
            case Types.DATE -> DATE;
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> BINARY;
            default -> OTHER;
        };
    }

    /** Whether the database can order rows by such a column and a value read from it can be bound back. */
    boolean orders() {
        return switch (this) {
            case INTEGER, DECIMAL, TEXT, TIMESTAMP, TIMESTAMP_TZ, DATE, UUID -> true;
            default -> false;
        };
    }

    /**
     * Whether a key of this kind can be the cursor without being named: its values grow as rows are added in
     * practice (a sequence, an identity or auto-increment column; a creation time or day). UUIDs and text do not,
     * and a decimal is left out because its kind does not tell NUMBER(19) from NUMERIC(10,2): naming the column in
     * backfill.jdbc.cursor-column still takes any of them.
     */
    boolean growsAsRowsAreAdded() {
        return switch (this) {
            case INTEGER, TIMESTAMP, TIMESTAMP_TZ, DATE -> true;
            default -> false;
        };
    }
}

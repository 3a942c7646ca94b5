package io.ampfill.source.jdbc;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.ampfill.source.RecordJson;
import io.ampfill.source.JsonErrorText;
import io.ampfill.source.TimestampNode;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAccessor;

/**
 * Reads one column of the current row: as JSON for the event (times as epoch milliseconds, UTC), or as the Java
 * value that positions the row (cursor and key values, bound back as parameters for the next page).
 */
final class ColumnValues {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Fails on trailing content, so that "{} x" is not taken for "{}". */
    private static final ObjectMapper JSON = RecordJson.mapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final int SHOWN_TEXT = 60;

    private ColumnValues() {
    }

    /** A value that cannot be read as its column's kind (a zero date, JSON that does not parse). */
    static final class BadValue extends Exception {
        BadValue(String message) {
            super(message, null, false, false);
        }
    }

    /** The column as JSON, or null when it is SQL NULL. */
    static JsonNode json(ResultSet rs, int index, ColumnKind kind) throws SQLException, BadValue {
        switch (kind) {
            case TIMESTAMP, TIMESTAMP_TZ, DATE -> {
                Object time = position(rs, index, kind);
                if (time == null) {
                    return null;
                }
                try {
                    // a date: the mapper judges its range, never its unit
                    return new TimestampNode(epochMillis(time));
                } catch (ArithmeticException e) {
                    // PostgreSQL's infinity comes as the largest LocalDateTime, far past what a long of milliseconds holds
                    throw new BadValue("not a valid " + kindName(kind) + " (beyond the years epoch milliseconds hold): " + rs.getString(index));
                }
            }
            case TEXT, UUID -> {
                String text = rs.getString(index);
                return text == null ? null : NODES.textNode(text);
            }
            case JSON -> {
                String text = rs.getString(index);
                return text == null ? null : parseJson(text);
            }
            case BINARY -> {
                return null;
            }
            default -> {
                return generic(rs.getObject(index), () -> rs.getString(index));
            }
        }
    }

    /** The cursor or key value of the column, typed so that it binds back as the same SQL type; null for SQL NULL. */
    static Object position(ResultSet rs, int index, ColumnKind kind) throws SQLException, BadValue {
        try {
            return switch (kind) {
                case INTEGER -> {
                    Object n = rs.getObject(index);
                    yield n == null || n instanceof BigInteger || n instanceof Long ? n : Long.valueOf(((Number) n).longValue());
                }
                case DECIMAL -> rs.getBigDecimal(index);
                case TEXT -> rs.getString(index);
                case TIMESTAMP -> time(rs, index, rs.getObject(index, LocalDateTime.class), kind);
                case TIMESTAMP_TZ -> time(rs, index, rs.getObject(index, OffsetDateTime.class), kind);
                case DATE -> time(rs, index, rs.getObject(index, LocalDate.class), kind);
                case UUID -> rs.getObject(index);
                default -> throw new IllegalStateException(kind + " does not position rows");
            };
        } catch (SQLException | RuntimeException e) {
            // a MariaDB zero date, a timestamp out of Java's range: this row's problem, not the connection's
            if (e instanceof SQLException sql && isConnectionProblem(sql)) {
                throw sql;
            }
            throw new BadValue("not a valid " + kindName(kind) + ": " + firstLine(e.getMessage()));
        }
    }

    /** MariaDB reads its zero date 0000-00-00 as null, though the column is not NULL: a bad value, not an absent one. */
    private static Object time(ResultSet rs, int index, Object value, ColumnKind kind) throws SQLException, BadValue {
        if (value == null) {
            String text = rs.getString(index);
            if (text != null) {
                throw new BadValue("not a valid " + kindName(kind) + ": " + text);
            }
        }
        return value;
    }

    private static String kindName(ColumnKind kind) {
        return kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }

    /** Epoch milliseconds of a cursor-typed time value: a time without zone is taken as UTC, a date as UTC midnight. */
    static long epochMillis(Object time) {
        if (time instanceof OffsetDateTime t) {
            return t.toInstant().toEpochMilli();
        }
        if (time instanceof LocalDateTime t) {
            return t.toInstant(ZoneOffset.UTC).toEpochMilli();
        }
        if (time instanceof LocalDate d) {
            return d.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        }
        throw new IllegalArgumentException("not a time: " + time.getClass().getName());
    }

    /** JSON text as a tree; what is wrong with it in one line otherwise. */
    static JsonNode parseJson(String text) throws BadValue {
        try {
            return JSON.readTree(text);
        } catch (JacksonException e) {
            throw new BadValue(JsonErrorText.reason(e, "not valid JSON") + ", in " + shown(text));
        }
    }

    private interface TextRead {
        String get() throws SQLException;
    }

    /** A driver object of no specific kind: numbers, booleans, arrays and text keep their JSON type; the rest is text. */
    private static JsonNode generic(Object value, TextRead text) throws SQLException, BadValue {
        if (value == null) {
            return null;
        }
        if (value instanceof Boolean b) {
            return NODES.booleanNode(b);
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return NODES.numberNode(((Number) value).longValue());
        }
        if (value instanceof BigInteger n) {
            return NODES.numberNode(n);
        }
        if (value instanceof BigDecimal n) {
            return NODES.numberNode(n);
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (!Double.isFinite(d)) {
                // JSON has no NaN or Infinity: Jackson would send the text "Infinity" in the number's place
                throw new BadValue("not a finite number: " + d);
            }
            return NODES.numberNode(d);
        }
        if (value instanceof String s) {
            return NODES.textNode(s);
        }
        if (value instanceof Array array) {
            try {
                Object elements = array.getArray();
                ArrayNode out = NODES.arrayNode();
                if (elements instanceof Object[] items) {
                    for (Object item : items) {
                        JsonNode element = generic(item, () -> String.valueOf(item));
                        out.add(element == null ? NODES.nullNode() : element);
                    }
                    return out;
                }
            } finally {
                array.free();
            }
        }
        if (value instanceof TemporalAccessor || value instanceof java.util.Date) {
            return NODES.textNode(value.toString());
        }
        if (value instanceof byte[]) {
            return null;
        }
        String s = text.get();
        return s == null ? null : NODES.textNode(s);
    }

    /** A key value as text, the same for the same value from any database: the input of derived insert_ids. */
    static String canonical(Object value) {
        if (value instanceof BigDecimal d) {
            return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
        }
        if (value instanceof OffsetDateTime t) {
            return t.toInstant().toString();
        }
        if (value instanceof LocalDateTime t) {
            return DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(t);
        }
        if (value instanceof java.util.UUID u) {
            return u.toString();
        }
        return String.valueOf(value);
    }

    private static boolean isConnectionProblem(SQLException e) {
        String state = e.getSQLState();
        return state != null && state.startsWith("08");
    }

    static String shown(String text) {
        String oneLine = text.replace('\n', ' ').replace('\r', ' ');
        return oneLine.length() <= SHOWN_TEXT ? oneLine : oneLine.substring(0, SHOWN_TEXT) + "...";
    }

    static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}

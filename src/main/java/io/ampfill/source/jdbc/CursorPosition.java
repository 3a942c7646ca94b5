package io.ampfill.source.jdbc;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

/**
 * Where a reader stopped: the cursor value of the last row read and, when the cursor column is not itself the key,
 * that row's key values. Rows are read in (cursor, key) order and the next page starts after this pair, so rows
 * that share a cursor value are neither lost nor read twice at a page boundary. {@link #toText()} and
 * {@link #parse(String)} give a one-line form for a checkpoint store, typed so that the values bind back exactly.
 */
public record CursorPosition(Object cursor, List<Object> tieKey) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public CursorPosition {
        tieKey = tieKey == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(tieKey));
    }

    /** The position as a JSON array of tagged values, e.g. {@code ["tstz:2024-03-01T12:00:00.250Z","long:42"]}. */
    public String toText() {
        ArrayNode values = JSON.createArrayNode();
        values.add(tagged(cursor));
        for (Object key : tieKey) {
            values.add(tagged(key));
        }
        return values.toString();
    }

    /** The position {@link #toText()} wrote. */
    public static CursorPosition parse(String text) {
        try {
            JsonNode values = JSON.readTree(text);
            if (values == null || !values.isArray() || values.isEmpty()) {
                throw new IllegalArgumentException("not a cursor position: " + text);
            }
            List<Object> key = new ArrayList<>();
            for (int i = 1; i < values.size(); i++) {
                key.add(untagged(values.get(i).asText()));
            }
            return new CursorPosition(untagged(values.get(0).asText()), key);
        } catch (JacksonException | DateTimeParseException | NumberFormatException e) {
            throw new IllegalArgumentException("not a cursor position: " + text, e);
        }
    }

    private static String tagged(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return "long:" + value;
        }
        if (value instanceof BigInteger) {
            return "int:" + value;
        }
        if (value instanceof BigDecimal d) {
            return "dec:" + d.toPlainString();
        }
        if (value instanceof String s) {
            return "str:" + s;
        }
        if (value instanceof OffsetDateTime t) {
            return "tstz:" + t;
        }
        if (value instanceof LocalDateTime t) {
            return "ts:" + t;
        }
        if (value instanceof LocalDate d) {
            return "date:" + d;
        }
        if (value instanceof UUID u) {
            return "uuid:" + u;
        }
        throw new IllegalArgumentException("a cursor position holds numbers, text, times, dates and UUIDs, not " + value.getClass().getName());
    }

    private static Object untagged(String text) {
        if (text.equals("null")) {
            return null;
        }
        int colon = text.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("not a tagged cursor value: " + text);
        }
        String value = text.substring(colon + 1);
        return switch (text.substring(0, colon)) {
            case "long" -> Long.valueOf(value);
            case "int" -> new BigInteger(value);
            case "dec" -> new BigDecimal(value);
            case "str" -> value;
            case "tstz" -> OffsetDateTime.parse(value);
            case "ts" -> LocalDateTime.parse(value);
            case "date" -> LocalDate.parse(value);
            case "uuid" -> UUID.fromString(value);
            default -> throw new IllegalArgumentException("not a tagged cursor value: " + text);
        };
    }
}

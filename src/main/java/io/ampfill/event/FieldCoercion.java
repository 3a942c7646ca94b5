package io.ampfill.event;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Gives each typed field the JSON type Amplitude wants. CSV delivers every cell as a string, so strings are
 * converted; a value that cannot be converted throws {@link InvalidField} naming the field and the value.
 */
final class FieldCoercion {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Longest value quoted in a reason, so that a reason stays one short line. */
    private static final int SHOWN_VALUE_LENGTH = 80;
    /** Anything earlier is almost certainly seconds: 10^11 ms is March 1973, 10^11 s is year 5138. */
    static final long EARLIEST_MILLIS = 100_000_000_000L;

    /** Returned by integerText for text that is not a plain integer. */
    static final long NOT_AN_INTEGER = Long.MIN_VALUE;

    private FieldCoercion() {
    }

    /** time as epoch milliseconds: an integral number, a digit string, or an ISO-8601 timestamp. */
    static JsonNode time(JsonNode value) {
        long millis;
        boolean numeric = true;
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            millis = value.longValue();
        } else if (value.isFloatingPointNumber()) {
            double d = value.doubleValue();
            if (!isWhole(d)) {
                throw new InvalidField("time", "time is not whole milliseconds: " + shown(value));
            }
            millis = (long) d;
        } else if (value.isTextual()) {
            String text = value.textValue().strip();
            millis = integerText(text);
            if (millis == NOT_AN_INTEGER) {
                numeric = false;
                millis = EventTime.iso(text);
            }
            if (millis == EventTime.NOT_A_TIME) {
                throw new InvalidField("time", "time is not epoch milliseconds or an ISO-8601 timestamp: " + shown(value));
            }
        } else {
            throw new InvalidField("time", "time is not epoch milliseconds or an ISO-8601 timestamp: " + shown(value));
        }
        if (numeric && millis < EARLIEST_MILLIS) {
            throw new InvalidField("time", "time looks like seconds, not milliseconds: " + millis);
        }
        return NODES.numberNode(millis);
    }

    /** An integral number that fits a long (session_id, event_id), or one that fits an int (quantity). */
    static JsonNode integer(String field, JsonNode value, boolean fitsInt) {
        long n = NOT_AN_INTEGER;
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            n = value.longValue();
        } else if (value.isFloatingPointNumber() && isWhole(value.doubleValue())) {
            n = (long) value.doubleValue();
        } else if (value.isTextual()) {
            n = integerText(value.textValue().strip());
        }
        if (n == NOT_AN_INTEGER || (fitsInt && (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE))) {
            throw new InvalidField(field, field + " is not an integer: " + shown(value));
        }
        return value.isIntegralNumber() ? value : NODES.numberNode(n);
    }

    /** Any JSON number (price, revenue, location_lat, location_lng). */
    static JsonNode number(String field, JsonNode value) {
        if (value.isNumber() && (value.isIntegralNumber() || Double.isFinite(value.doubleValue()))) {
            return value;
        }
        if (value.isTextual()) {
            String text = value.textValue().strip();
            long integral = integerText(text);
            if (integral != NOT_AN_INTEGER) {
                return NODES.numberNode(integral);
            }
            if (looksDecimal(text)) {
                try {
                    double d = Double.parseDouble(text);
                    if (Double.isFinite(d)) {
                        return NODES.numberNode(d);
                    }
                } catch (NumberFormatException e) {
                    // falls through to the rejection: "1e", "1.2.3"
                }
            }
        }
        throw new InvalidField(field, field + " is not a number: " + shown(value));
    }

    /** The value of an optionally negative string of at most 18 digits (so it cannot overflow), or NOT_AN_INTEGER; no exception on bad input. */
    static long integerText(String s) {
        int length = s.length();
        boolean negative = length > 0 && s.charAt(0) == '-';
        int i = negative ? 1 : 0;
        if (i == length || length - i > 18) {
            return NOT_AN_INTEGER;
        }
        long value = 0;
        for (; i < length; i++) {
            int d = s.charAt(i) - '0';
            if (d < 0 || d > 9) {
                return NOT_AN_INTEGER;
            }
            value = value * 10 + d;
        }
        return negative ? -value : value;
    }

    static boolean isWhole(double d) {
        return d == Math.rint(d) && Math.abs(d) < 9.0e18;
    }

    /** JSON number syntax's characters only: Java's parser would also take "NaN", "0x1p3", "1f". */
    private static boolean looksDecimal(String text) {
        boolean digit = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                digit = true;
            } else if (c != '.' && c != '-' && c != '+' && c != 'e' && c != 'E') {
                return false;
            }
        }
        return digit;
    }

    /** user_id, device_id, insert_id: strings; integral numbers are taken as their digits. */
    static JsonNode id(String field, JsonNode value) {
        if (value.isTextual()) {
            return value;
        }
        if (value.isIntegralNumber()) {
            return NODES.textNode(value.asText());
        }
        throw new InvalidField(field, field + " is not a string: " + shown(value));
    }

    /** $skip_user_properties_sync: a boolean, or the text true/false in any case. */
    static JsonNode bool(String field, JsonNode value) {
        if (value.isBoolean()) {
            return value;
        }
        if (value.isTextual()) {
            String text = value.textValue().strip();
            if (text.equalsIgnoreCase("true")) {
                return BooleanNode.TRUE;
            }
            if (text.equalsIgnoreCase("false")) {
                return BooleanNode.FALSE;
            }
        }
        throw new InvalidField(field, field + " is not true or false: " + shown(value));
    }

    /** A property object, or JSON text of one (a CSV cell). */
    static ObjectNode object(String field, JsonNode value, ObjectMapper json) {
        if (value instanceof ObjectNode object) {
            return object;
        }
        if (value.isTextual()) {
            try {
                if (json.readTree(value.textValue()) instanceof ObjectNode parsed) {
                    return parsed;
                }
            } catch (JacksonException e) {
                // falls through to the rejection
            }
        }
        throw new InvalidField(field, field + " is not a JSON object: " + shown(value));
    }

    /** The value as JSON, cut short: JSON escapes line breaks, so the reason stays on one line. */
    static String shown(JsonNode value) {
        String json = value.toString();
        return json.length() <= SHOWN_VALUE_LENGTH ? json : json.substring(0, SHOWN_VALUE_LENGTH) + "...";
    }
}

package io.ampfill.event;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ampfill.source.TimestampNode;

import java.time.Instant;

/**
 * Gives each typed field the JSON type Amplitude wants. CSV delivers every cell as a string, so strings are
 * converted; a value that cannot be converted throws {@link InvalidField} naming the field and the value.
 */
final class FieldCoercion {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Longest value quoted in a reason, so that a reason stays one short line. */
    private static final int SHOWN_VALUE_LENGTH = 80;
    /** Returned by integerText for text that is not a plain integer. */
    static final long NOT_AN_INTEGER = Long.MIN_VALUE;

    private FieldCoercion() {
    }

    /**
     * time as epoch milliseconds: an integral number, a string of digits, a decimal, or an ISO-8601 timestamp. A
     * number is refused when its size says it is seconds, microseconds or nanoseconds, or when it is negative; a
     * timestamp (and a database's date) when it is before 1970; any time beyond the horizon.
     */
    static JsonNode time(JsonNode value, TimeHorizon horizon) {
        long millis;
        if (value instanceof TimestampNode) {
            millis = date(value.longValue(), value, horizon);
        } else if (value.isIntegralNumber() && value.canConvertToLong()) {
            millis = epochNumber(value.longValue(), horizon);
        } else if (value.isNumber()) {
            millis = epochNumber(value.doubleValue(), shown(value), horizon);
        } else if (value.isTextual()) {
            String text = value.textValue().strip();
            long integral = integerText(text);
            if (integral != NOT_AN_INTEGER) {
                millis = epochNumber(integral, horizon);
            } else if (looksDecimal(text)) {
                millis = epochNumber(decimal(text, value), text, horizon);
            } else {
                millis = EventTime.iso(text);
                if (millis == EventTime.NOT_A_TIME) {
                    throw notATime(value);
                }
                millis = date(millis, value, horizon);
            }
        } else {
            throw notATime(value);
        }
        return NODES.numberNode(millis);
    }

    private static long epochNumber(long n, TimeHorizon horizon) {
        String problem = EventTime.unitProblem(n);
        if (problem != null) {
            throw new InvalidField("time", problem + ": " + n);
        }
        if (horizon.beyond(n)) {
            throw new InvalidField("time", horizon.reason() + ": " + n + " (" + Instant.ofEpochMilli(n) + ")");
        }
        return n;
    }

    private static long epochNumber(double n, String shown, TimeHorizon horizon) {
        String problem = EventTime.unitProblem(n);
        if (problem != null) {
            throw new InvalidField("time", problem + ": " + shown);
        }
        if (n >= EventTime.NO_UNIT_FROM) {
            throw new InvalidField("time", horizon.reason() + ": " + shown);
        }
        if (!isWhole(n)) {
            throw new InvalidField("time", "time is not whole milliseconds: " + shown);
        }
        long millis = (long) n;
        if (horizon.beyond(millis)) {
            throw new InvalidField("time", horizon.reason() + ": " + shown + " (" + Instant.ofEpochMilli(millis) + ")");
        }
        return millis;
    }

    /** A time that is a date already (a timestamp, a database's date): no unit to judge, only its range. */
    private static long date(long millis, JsonNode value, TimeHorizon horizon) {
        if (millis < 0) {
            throw new InvalidField("time", "time is before 1970-01-01: " + shownDate(millis, value));
        }
        if (horizon.beyond(millis)) {
            throw new InvalidField("time", horizon.reason() + ": " + shownDate(millis, value));
        }
        return millis;
    }

    /** A timestamp as given; a database's date as its epoch milliseconds and the instant they are. */
    private static String shownDate(long millis, JsonNode value) {
        return value instanceof TimestampNode ? millis + " (" + Instant.ofEpochMilli(millis) + ")" : shown(value);
    }

    private static double decimal(String text, JsonNode value) {
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw notATime(value); // "1-2", "1e": JSON number characters, but no number
        }
    }

    private static InvalidField notATime(JsonNode value) {
        return new InvalidField("time", "time is not epoch milliseconds or an ISO-8601 timestamp: " + shown(value));
    }

    /** An integral number that fits a long (session_id, event_id), or one that fits an int (quantity). */
    static JsonNode integer(String field, JsonNode value, boolean fitsInt) {
        if (beyondDouble(value)) {
            throw tooLarge(field, field, value);
        }
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
        if (value.isNumber()) {
            if (beyondDouble(value)) {
                throw tooLarge(field, field, value);
            }
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
                    throw tooLarge(field, field, value);
                } catch (NumberFormatException e) {
                    // falls through to the rejection: "1e", "1.2.3"
                }
            }
        }
        throw new InvalidField(field, field + " is not a number: " + shown(value));
    }

    /**
     * A number no double holds (1e400, read exactly by {@link io.ampfill.source.RecordJson}; a database's huge NUMERIC): sent, it would
     * reach Amplitude as infinity or be refused, so it is refused here with its digits.
     */
    static boolean beyondDouble(JsonNode node) {
        return node.isNumber() && !node.isInt() && !node.isLong() && !Double.isFinite(node.doubleValue());
    }

    /** The rejection of such a number: field is the top-level field it is in, place where it is. */
    static InvalidField tooLarge(String field, String place, JsonNode value) {
        return new InvalidField(field, "number too large to send: " + place + " is " + shown(value) + ", beyond a double's range (about 1.8E308)");
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

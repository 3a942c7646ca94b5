package io.ampfill.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Map;

/**
 * The insert_id of an event that came without one, derived from its content so that the same record dropped
 * again (another file, another name, CSV instead of NDJSON) gets the same id and Amplitude drops the repeat.
 * "af-" + the first 24 bytes of SHA-256 over the {@link CanonicalForm} of the mapped event: keys sorted at every
 * level; numbers, booleans and strings all written as length-prefixed text, numbers normalised (10, 10.0 and 1e1
 * are "10"), so a CSV cell "10" and a JSON 10 count as the same value. This class walks a JSON tree into that
 * form; no sorted copy of the tree is built.
 */
final class ContentInsertId {
    private static final ThreadLocal<CanonicalForm> PER_THREAD = ThreadLocal.withInitial(CanonicalForm::new);

    private ContentInsertId() {
    }

    static String of(ObjectNode event) {
        CanonicalForm form = PER_THREAD.get();
        form.reset();
        value(form, event);
        return form.insertId(0, form.used());
    }

    /** Containers are bracketed, null is 'n', every scalar is text: each form reads back one way only. */
    private static void value(CanonicalForm form, JsonNode node) {
        if (node instanceof ObjectNode object) {
            object(form, object);
        } else if (node instanceof ArrayNode array) {
            form.put('[');
            for (int i = 0; i < array.size(); i++) {
                value(form, array.get(i));
            }
            form.put(']');
        } else if (node.isTextual()) {
            form.text(node.textValue());
        } else if (node.isInt() || node.isLong()) {
            form.integer(node.longValue());
        } else if (node.isNumber()) {
            form.text(normalisedNumber(node));
        } else if (node.isNull() || node.isMissingNode()) {
            form.put('n');
        } else {
            form.text(node.asText());
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void object(CanonicalForm form, ObjectNode object) {
        Map.Entry<String, JsonNode>[] fields = new Map.Entry[object.size()];
        int k = 0;
        for (Map.Entry<String, JsonNode> field : object.properties()) {
            fields[k++] = field;
        }
        // under 32 keys this is a binary insertion sort, with nothing allocated
        Arrays.sort(fields, Map.Entry.comparingByKey());
        form.put('{');
        for (Map.Entry<String, JsonNode> field : fields) {
            form.text(field.getKey());
            value(form, field.getValue());
        }
        form.put('}');
    }

    private static String normalisedNumber(JsonNode number) {
        if (number.isIntegralNumber()) {
            return number.canConvertToLong() ? Long.toString(number.longValue()) : number.bigIntegerValue().toString();
        }
        if (number.isBigDecimal()) {
            BigDecimal exact = number.decimalValue().stripTrailingZeros();
            if (exact.scale() <= 0) {
                return exact.toBigInteger().toString();
            }
            return Double.toString(exact.doubleValue());
        }
        return CanonicalForm.normalisedDouble(number.doubleValue());
    }
}

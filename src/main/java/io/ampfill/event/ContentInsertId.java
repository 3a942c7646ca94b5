package io.ampfill.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;

/**
 * The insert_id of an event that came without one, derived from its content so that the same record dropped
 * again (another file, another name, CSV instead of NDJSON) gets the same id and Amplitude drops the repeat.
 * "af-" + the first 24 bytes of SHA-256, base64url without padding, over a canonical form of the mapped event:
 * keys sorted at every level; numbers, booleans and strings all written as length-prefixed text, numbers
 * normalised (10, 10.0 and 1e1 are "10"), so a CSV cell "10" and a JSON 10 count as the same value. The form is written into a
 * reused per-thread buffer and digested in one call; no sorted copy of the tree is built.
 */
final class ContentInsertId {
    static final String PREFIX = "af-";
    private static final int ID_BYTES = 24;
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    /** A rare huge event may grow a thread's buffer; beyond this it is not kept for the next one. */
    private static final int MAX_KEPT_BUFFER = 1 << 20;
    private static final ThreadLocal<CanonicalDigest> PER_THREAD = ThreadLocal.withInitial(CanonicalDigest::new);

    private ContentInsertId() {
    }

    static String of(ObjectNode event) {
        return PER_THREAD.get().insertId(event);
    }

    /** A SHA-256 digest and the buffer the canonical form is written into; one per thread, reused for every event. */
    private static final class CanonicalDigest {
        private final MessageDigest sha256;
        private final byte[] scratch = new byte[20];
        private byte[] buffer = new byte[2048];
        private int used;

        CanonicalDigest() {
            try {
                sha256 = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java runtime has SHA-256", e);
            }
        }

        String insertId(ObjectNode event) {
            used = 0;
            value(event);
            sha256.update(buffer, 0, used);
            byte[] hash = sha256.digest();
            if (buffer.length > MAX_KEPT_BUFFER) {
                buffer = new byte[2048];
            }
            return PREFIX + BASE64URL.encodeToString(Arrays.copyOf(hash, ID_BYTES));
        }

        /** Containers are bracketed, null is 'n', every scalar is text: each form reads back one way only. */
        private void value(JsonNode node) {
            if (node instanceof ObjectNode object) {
                object(object);
            } else if (node instanceof ArrayNode array) {
                put('[');
                for (int i = 0; i < array.size(); i++) {
                    value(array.get(i));
                }
                put(']');
            } else if (node.isTextual()) {
                text(node.textValue());
            } else if (node.isInt() || node.isLong()) {
                integer(node.longValue());
            } else if (node.isNumber()) {
                text(normalisedNumber(node));
            } else if (node.isNull() || node.isMissingNode()) {
                put('n');
            } else {
                text(node.asText());
            }
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        private void object(ObjectNode object) {
            Map.Entry<String, JsonNode>[] fields = new Map.Entry[object.size()];
            int k = 0;
            for (Map.Entry<String, JsonNode> field : object.properties()) {
                fields[k++] = field;
            }
            // insertion sort: events have a handful of keys, often in order already (cheaper than TimSort here)
            for (int i = 1; i < fields.length; i++) {
                Map.Entry<String, JsonNode> field = fields[i];
                int j = i - 1;
                while (j >= 0 && fields[j].getKey().compareTo(field.getKey()) > 0) {
                    fields[j + 1] = fields[j];
                    j--;
                }
                fields[j + 1] = field;
            }
            put('{');
            for (Map.Entry<String, JsonNode> field : fields) {
                text(field.getKey());
                value(field.getValue());
            }
            put('}');
        }

        /** A whole number as the same bytes as text(Long.toString(v)), without making the string. */
        private void integer(long v) {
            if (v == Long.MIN_VALUE) {
                text(Long.toString(v));
                return;
            }
            byte[] digits = scratch;
            int at = digits.length;
            long rest = Math.abs(v);
            do {
                digits[--at] = (byte) ('0' + (int) (rest % 10));
                rest /= 10;
            } while (rest != 0);
            if (v < 0) {
                digits[--at] = '-';
            }
            int length = digits.length - at;
            ensure(length + 2);
            buffer[used++] = 's';
            buffer[used++] = (byte) length; // at most 20, one varint byte
            System.arraycopy(digits, at, buffer, used, length);
            used += length;
        }

        /** A scalar: tag, UTF-8 length, UTF-8 bytes. Length-prefixed rather than quoted, so no escaping and a bulk copy. */
        private void text(String s) {
            int n = s.length();
            for (int i = 0; i < n; i++) {
                if (s.charAt(i) >= 0x80) {
                    utf8Text(s);
                    return;
                }
            }
            // ASCII, the common case: its UTF-8 bytes are its chars, so no byte[] copy of the string is made
            ensure(n + 6);
            byte[] b = buffer;
            int at = used;
            b[at++] = 's';
            int length = n;
            while (length >= 0x80) {
                b[at++] = (byte) (length | 0x80);
                length >>>= 7;
            }
            b[at++] = (byte) length;
            for (int i = 0; i < n; i++) {
                b[at++] = (byte) s.charAt(i);
            }
            used = at;
        }

        private void utf8Text(String s) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            int length = utf8.length;
            ensure(length + 6);
            byte[] b = buffer;
            int at = used;
            b[at++] = 's';
            while (length >= 0x80) {
                b[at++] = (byte) (length | 0x80);
                length >>>= 7;
            }
            b[at++] = (byte) length;
            System.arraycopy(utf8, 0, b, at, utf8.length);
            used = at + utf8.length;
        }

        private void put(char c) {
            ensure(1);
            buffer[used++] = (byte) c;
        }

        private void ensure(int more) {
            if (used + more > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, used + more));
            }
        }
    }

    static String normalisedNumber(JsonNode number) {
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
        double d = number.doubleValue();
        if (d == Math.rint(d) && !Double.isInfinite(d)) {
            return Math.abs(d) < 1e18 ? Long.toString((long) d) : new BigDecimal(d).toBigInteger().toString();
        }
        return Double.toString(d);
    }
}

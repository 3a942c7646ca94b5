package io.ampfill.source.jdbc;

import io.ampfill.source.Utf8;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * insert_ids for rows that carry none, derived from where the row lives rather than from its content: a row
 * edited between two runs keeps its id, so re-reading it can never double the event. The table name is
 * lower-cased and the key values written canonically ({@link ColumnValues#canonical}), so the same row gives the
 * same id from H2, PostgreSQL or MariaDB. 24 bytes of SHA-256, base64url: 32 characters after the prefix, like
 * the "af-" ids the mapper derives from content.
 */
final class DerivedInsertId {
    static final String ROW_PREFIX = "db-";
    static final String SIGNUP_PREFIX = "signup-";
    private static final int ID_BYTES = 24;
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private DerivedInsertId() {
    }

    /** "db-" + hash(table + '\0' + key values joined by '\0'). */
    static String ofRow(String table, List<Object> keyValues) {
        StringBuilder input = new StringBuilder(table);
        for (Object value : keyValues) {
            input.append('\0').append(ColumnValues.canonical(value));
        }
        return ROW_PREFIX + hash(input.toString());
    }

    /** "signup-" + hash(user id): the same user's signup has the same id whichever table or file it came from. */
    static String ofSignup(String userId) {
        return SIGNUP_PREFIX + hash(userId);
    }

    private static String hash(String input) {
        try {
            // Utf8.encode, not getBytes: getBytes makes every lone surrogate '?', so two such keys would share an id
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(Utf8.encode(input));
            return BASE64URL.encodeToString(Arrays.copyOf(digest, ID_BYTES));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}

package io.ampfill.secret;

import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps a database password out of every message (the source database's, the state store's): JDBC drivers and
 * DriverManager echo the URL in their errors ("No suitable driver found for jdbc:...?password=..."), and a
 * PostgreSQL or MariaDB URL may carry the password.
 */
public final class SecretText {
    public static final String MASK = "****";
    /** password=..., pwd=..., passwd: ... in a URL, a property list or a message. */
    private static final Pattern PASSWORD_PARAMETER =
            Pattern.compile("(?i)\\b(password|passwd|pwd)(\\s*[=:]\\s*)(\"[^\"]*\"|'[^']*'|[^&;,\\s)\\]}]*)");
    /** user:secret@host in a URL. */
    private static final Pattern USER_INFO = Pattern.compile("(//[^/:@\\s]*:)[^@/\\s]*@");
    /** A password shorter than this is replaced only where it stands as a word, so "a" does not blank every a. */
    private static final int SHORTEST_REPLACED_ANYWHERE = 4;
    private static final int MAX_CAUSES = 8;

    private SecretText() {
    }

    /** The text with the password (when known) and anything that looks like a password parameter masked. */
    public static String mask(String text, String password) {
        if (text == null) {
            return null;
        }
        String masked = text;
        if (password != null && !password.isEmpty()) {
            masked = password.length() >= SHORTEST_REPLACED_ANYWHERE
                    ? masked.replace(password, MASK)
                    : masked.replaceAll("(?<![\\w])" + Pattern.quote(password) + "(?![\\w])", MASK);
        }
        masked = PASSWORD_PARAMETER.matcher(masked).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + m.group(2) + MASK));
        return USER_INFO.matcher(masked).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + MASK + "@"));
    }

    /**
     * The same failure with every message in it masked: same SQLState, vendor code and stack, and the causes
     * copied the same way (a cause's own message may hold the URL too).
     */
    public static SQLException masked(SQLException e, String password) {
        SQLException copy = new SQLException(mask(e.getMessage(), password), e.getSQLState(), e.getErrorCode());
        copy.setStackTrace(e.getStackTrace());
        Throwable cause = e.getCause() != null ? e.getCause() : e.getNextException();
        Throwable at = copy;
        for (int depth = 0; cause != null && depth < MAX_CAUSES; depth++) {
            Throwable masked = maskedCopy(cause, password);
            at.initCause(masked);
            at = masked;
            cause = cause.getCause();
        }
        return copy;
    }

    private static Throwable maskedCopy(Throwable t, String password) {
        String message = t.getClass().getName() + (t.getMessage() == null ? "" : ": " + mask(t.getMessage(), password));
        Exception copy = new Exception(message);
        copy.setStackTrace(t.getStackTrace());
        return copy;
    }
}

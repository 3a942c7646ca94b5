package io.ampfill.source.jdbc;

/**
 * A JDBC or users-source setting that cannot be used, found before anything is read: the message is one line that
 * starts with the setting's name and says what is wrong ("backfill.jdbc.table: no table named evnts ...").
 */
public final class JdbcSettingException extends IllegalArgumentException {
    private final String setting;

    JdbcSettingException(String setting, String problem) {
        super(setting + ": " + problem);
        this.setting = setting;
    }

    /** The name of the setting at fault, such as backfill.jdbc.cursor-column. */
    public String setting() {
        return setting;
    }
}

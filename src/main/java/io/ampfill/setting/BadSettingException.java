package io.ampfill.setting;

/**
 * A setting that cannot be used, found before anything is read or sent: the one line a user sees is
 * {@code <setting>: <what is wrong>}, after "ampfill: ", and the run exits with 2. The launcher's checks and the
 * database source's own (which reads its settings in the core) throw this one type.
 */
public class BadSettingException extends IllegalArgumentException {
    private final String setting;

    public BadSettingException(String setting, String problem) {
        super(setting + ": " + problem);
        this.setting = setting;
    }

    /** The name of the setting at fault, such as backfill.jdbc.cursor-column. */
    public String setting() {
        return setting;
    }
}

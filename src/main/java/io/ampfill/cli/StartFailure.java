package io.ampfill.cli;

import io.ampfill.ledger.CheckpointStore;
import io.ampfill.setting.BadSettingException;
import io.ampfill.source.SourceLockException;
import org.apache.camel.PropertyBindingException;
import org.apache.camel.TypeConversionException;

/**
 * Why a run could not start, as the one line the user sees and the exit code: 2 for a setting (ampfill's own, or a
 * camel.* one Camel cannot bind), named first as {@code <setting>: <what is wrong>}, and for a source another run
 * reads (its own words); 1 for anything else.
 */
record StartFailure(int exitCode, String line) {

    static StartFailure of(Throwable failed) {
        for (Throwable t = failed; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof BadSettingException bad) {
                return new StartFailure(AmpfillApp.BAD_SETTINGS, bad.getMessage());
            }
            if (t instanceof SourceLockException inUse) {
                return new StartFailure(AmpfillApp.BAD_SETTINGS, inUse.getMessage()); // says what to do
            }
            if (t instanceof PropertyBindingException binding) {
                return new StartFailure(AmpfillApp.BAD_SETTINGS, camelSetting(binding));
            }
            if (t instanceof CheckpointStore.StoreException store) {
                return new StartFailure(AmpfillApp.FATAL, "could not start: " + store.getMessage()); // worded for the user
            }
        }
        return new StartFailure(AmpfillApp.FATAL, "could not start: " + rootCause(failed).getMessage());
    }

    /** Camel's words name the bean it binds to and repeat the value; the user wrote a setting and a value. */
    private static String camelSetting(PropertyBindingException binding) {
        String setting = (binding.getOptionPrefix() == null ? "" : binding.getOptionPrefix())
                + (binding.getOptionKey() != null ? binding.getOptionKey() : binding.getPropertyName());
        if (binding.getCause() instanceof TypeConversionException conversion && conversion.getToType() != null) {
            return setting + ": must be " + typeInWords(conversion.getToType()) + ", got "
                    + SettingCheck.quoted(String.valueOf(binding.getValue()));
        }
        return binding.getCause() == null ? setting + ": Camel has no such option"
                : setting + ": cannot be set: " + rootCause(binding).getMessage();
    }

    private static String typeInWords(Class<?> type) {
        String name = type.getSimpleName().toLowerCase(java.util.Locale.ROOT);
        return switch (name) {
            case "int", "integer", "long", "short" -> "a whole number";
            case "boolean" -> "true or false";
            case "double", "float" -> "a number";
            default -> "a " + type.getSimpleName();
        };
    }

    private static Throwable rootCause(Throwable t) {
        Throwable cause = t;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }
}

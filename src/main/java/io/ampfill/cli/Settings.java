package io.ampfill.cli;

import org.apache.camel.spi.PropertiesComponent;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads application.properties (and its env / -D overrides) with errors that name the setting. What each setting may
 * be is checked once, at start, by {@link SettingRules}; these readers only convert.
 */
final class Settings {
    private final PropertiesComponent properties;
    /**
     * Each value as first read: the run computes properties for its routes from some settings (the poll delay in
     * milliseconds, say) and overrides them, and the beans made after that still read what the user wrote.
     */
    private final Map<String, String> read = new ConcurrentHashMap<>();

    Settings(PropertiesComponent properties) {
        this.properties = properties;
    }

    /** A setting that must have a value. */
    String string(String name) {
        String value = optional(name);
        if (value.isEmpty()) {
            throw new BadSettingException(name, "is not set");
        }
        return value;
    }

    /** The value, or "" when the setting is empty or absent. */
    String optional(String name) {
        return read.computeIfAbsent(name, n -> properties.resolveProperty(n).map(String::trim).orElse(""));
    }

    int integer(String name) {
        return (int) wholeNumber(name, Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    long longValue(String name) {
        return wholeNumber(name, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    private long wholeNumber(String name, long min, long max) {
        String value = string(name);
        long n;
        try {
            n = Long.parseLong(value);
        } catch (NumberFormatException notANumber) {
            throw new BadSettingException(name, "must be a whole number, got \"" + value + "\"");
        }
        if (n < min || n > max) {
            throw new BadSettingException(name, "must be a whole number from " + min + " to " + max + ", got \"" + value + "\"");
        }
        return n;
    }

    double decimal(String name) {
        String value = string(name);
        try {
            double n = Double.parseDouble(value);
            if (Double.isFinite(n)) {
                return n;
            }
        } catch (NumberFormatException notANumber) {
            // said below
        }
        throw new BadSettingException(name, "must be a number, got \"" + value + "\"");
    }

    boolean bool(String name) {
        String value = string(name);
        if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
            throw new BadSettingException(name, "must be true or false, got \"" + value + "\"");
        }
        return Boolean.parseBoolean(value);
    }

    Duration duration(String name) {
        return parseDuration(name, string(name));
    }

    /** Empty means "not set". */
    Duration optionalDuration(String name) {
        String value = optional(name);
        return value.isEmpty() ? null : parseDuration(name, value);
    }

    private static Duration parseDuration(String name, String value) {
        Duration duration = DurationText.parse(value);
        if (duration == null) {
            throw new BadSettingException(name, "must be a duration with a unit, such as " + DurationText.EXAMPLES
                    + ", got \"" + value + "\"");
        }
        return duration;
    }

    /**
     * A setting that cannot be used: the run stops before reading anything, with exit code 2 and the one line
     * {@code ampfill: <setting>: <what is wrong>}.
     */
    static final class BadSettingException extends RuntimeException {
        BadSettingException(String setting, String problem) {
            super(setting + ": " + problem);
        }
    }
}

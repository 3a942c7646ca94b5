package io.ampfill.cli;

import io.ampfill.setting.BadSettingException;
import org.apache.camel.spi.PropertiesComponent;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads application.properties (and its env / -D overrides) with errors that name the setting, each {@link Setting}
 * with the reader it declares. What each setting may be is checked once, at start, by {@link SettingRules}; the
 * readers only convert.
 */
final class Settings {
    /** How a setting's value becomes what the run uses. */
    @FunctionalInterface
    interface Reader<T> {
        T read(Settings settings, String name);
    }

    /** Text that must be there. */
    static final Reader<String> TEXT = Settings::string;
    /** Text, or "" when the setting is empty or absent. */
    static final Reader<String> OPTIONAL_TEXT = Settings::optional;
    static final Reader<Integer> INT = (settings, name) -> (int) settings.wholeNumber(name, Integer.MIN_VALUE, Integer.MAX_VALUE);
    static final Reader<Long> LONG = (settings, name) -> settings.wholeNumber(name, Long.MIN_VALUE, Long.MAX_VALUE);
    static final Reader<Double> DECIMAL = Settings::decimal;
    static final Reader<Boolean> BOOLEAN = Settings::bool;
    static final Reader<Duration> DURATION = (settings, name) -> parseDuration(name, settings.string(name));
    /** A duration, or null when the setting is empty ("not set"). */
    static final Reader<Duration> OPTIONAL_DURATION = (settings, name) -> {
        String value = settings.optional(name);
        return value.isEmpty() ? null : parseDuration(name, value);
    };

    private final PropertiesComponent properties;
    /**
     * Each value as first read: the run computes properties for its routes from some settings (the poll delay in
     * milliseconds, say) and overrides them, and the beans made after that still read what the user wrote.
     */
    private final Map<String, String> read = new ConcurrentHashMap<>();

    Settings(PropertiesComponent properties) {
        this.properties = properties;
    }

    /** The setting's value, as its declaration reads it. */
    <T> T get(Setting<T> setting) {
        return setting.reader().read(this, setting.name());
    }

    /** The value as written (trimmed), or "" when the setting is empty or absent. */
    String text(Setting<?> setting) {
        return optional(setting.name());
    }

    /** A property that is not one of the settings (a Camel option), as written, or "" when empty or absent. */
    String property(String name) {
        return optional(name);
    }

    private String string(String name) {
        String value = optional(name);
        if (value.isEmpty()) {
            throw new BadSettingException(name, "is not set");
        }
        return value;
    }

    private String optional(String name) {
        return read.computeIfAbsent(name, n -> properties.resolveProperty(n).map(String::trim).orElse(""));
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

    private double decimal(String name) {
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

    private boolean bool(String name) {
        String value = string(name);
        if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
            throw new BadSettingException(name, "must be true or false, got \"" + value + "\"");
        }
        return Boolean.parseBoolean(value);
    }

    private static Duration parseDuration(String name, String value) {
        Duration duration = DurationText.parse(value);
        if (duration == null) {
            throw new BadSettingException(name, "must be a duration with a unit, such as " + DurationText.EXAMPLES
                    + ", got \"" + value + "\"");
        }
        return duration;
    }
}

package io.ampfill.cli;

import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.util.TimeUtils;

import java.time.Duration;

/** Reads application.properties (and its env / -D overrides) with errors that name the setting. */
final class Settings {
    private final PropertiesComponent properties;

    Settings(PropertiesComponent properties) {
        this.properties = properties;
    }

    String string(String name) {
        return properties.resolveProperty(name).map(String::trim)
                .orElseThrow(() -> new BadSettingException(name + " is not set"));
    }

    String optional(String name) {
        return properties.resolveProperty(name).map(String::trim).orElse("");
    }

    int integer(String name) {
        String value = string(name);
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new BadSettingException(name + " must be a whole number, got \"" + value + "\"");
        }
    }

    long longValue(String name) {
        String value = string(name);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new BadSettingException(name + " must be a whole number, got \"" + value + "\"");
        }
    }

    double decimal(String name) {
        String value = string(name);
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new BadSettingException(name + " must be a number, got \"" + value + "\"");
        }
    }

    boolean bool(String name) {
        String value = string(name);
        if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
            throw new BadSettingException(name + " must be true or false, got \"" + value + "\"");
        }
        return Boolean.parseBoolean(value);
    }

    Duration duration(String name) {
        String value = string(name);
        return parseDuration(name, value);
    }

    /** Empty means "not set". */
    Duration optionalDuration(String name) {
        String value = optional(name);
        return value.isEmpty() ? null : parseDuration(name, value);
    }

    private static Duration parseDuration(String name, String value) {
        try {
            return Duration.ofMillis(TimeUtils.toMilliSeconds(value));
        } catch (RuntimeException e) {
            throw new BadSettingException(name + " must be a duration such as 500ms, 5s, 15m or 1h, got \"" + value + "\"");
        }
    }

    /** A setting that cannot be used: the run stops before reading anything. */
    static final class BadSettingException extends RuntimeException {
        BadSettingException(String message) {
            super(message);
        }
    }
}

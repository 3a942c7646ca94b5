package io.ampfill.cli;

import io.ampfill.secret.SecretText;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What a setting's value must be: the problem in the user's words, or null when the value will do. The kinds of
 * value the settings take are the factories below; each {@link Setting} names its own.
 */
@FunctionalInterface
interface SettingCheck {
    SettingCheck ANY = value -> null;
    /** Checked where the database source reads its settings (JdbcSourceSettings, UsersSettings), when it is chosen. */
    SettingCheck BY_DATABASE_SOURCE = value -> null;
    SettingCheck BOOLEAN = value -> value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")
            ? null : "must be true or false, got " + quoted(value);
    SettingCheck FOLDER = value -> value.isEmpty() ? "is empty; it names a folder" : null;

    String problem(String value);

    /** One of these words, exactly. */
    static SettingCheck oneOf(String... words) {
        List<String> allowed = List.of(words);
        String choices = String.join(", ", allowed.subList(0, words.length - 1)) + " or " + words[words.length - 1];
        return value -> allowed.contains(value) ? null : "must be " + choices + ", got " + quoted(value);
    }

    static SettingCheck httpUrl() {
        return value -> {
            String problem = "must be an http or https URL such as https://api2.amplitude.com/batch, got "
                    + quoted(SecretText.mask(value, null));
            try {
                URI uri = new URI(value);
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null ? null : problem;
            } catch (URISyntaxException e) {
                return problem;
            }
        };
    }

    /** Kafka's bootstrap.servers: host:port, comma-separated. */
    static SettingCheck hostPorts() {
        Pattern hostPort = Pattern.compile("[^\\s:,/]+:\\d{1,5}|\\[[0-9a-fA-F:.]+]:\\d{1,5}");
        return value -> {
            for (String server : value.split(",", -1)) {
                if (!hostPort.matcher(server.trim()).matches()) {
                    return "must be host:port, comma-separated, such as localhost:9092, got " + quoted(value);
                }
            }
            return null;
        };
    }

    /** The names Kafka accepts for a topic. */
    static SettingCheck kafkaTopic() {
        Pattern topic = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
        return value -> topic.matcher(value).matches() && !value.equals(".") && !value.equals("..") ? null
                : "must be a Kafka topic name (1 to 249 of a-z A-Z 0-9 . _ -), got " + quoted(value);
    }

    static SettingCheck wholeNumber(long min, long max, String why) {
        String range = max == Long.MAX_VALUE || max == Integer.MAX_VALUE
                ? "a whole number of at least " + min : "a whole number from " + min + " to " + max;
        String expected = "must be " + range + (why == null ? "" : " (" + why + ")") + ", got ";
        return value -> {
            try {
                long n = Long.parseLong(value);
                return n >= min && n <= max ? null : expected + quoted(value);
            } catch (NumberFormatException e) {
                return expected + quoted(value);
            }
        };
    }

    static SettingCheck number(double min, double max, String why) {
        String expected = "must be a number from " + format(min) + " to " + format(max) + " (" + why + "), got ";
        return value -> {
            try {
                double n = Double.parseDouble(value);
                return n >= min && n <= max ? null : expected + quoted(value); // NaN is neither
            } catch (NumberFormatException e) {
                return expected + quoted(value);
            }
        };
    }

    static SettingCheck duration(Duration min, String why) {
        return value -> {
            Duration d = DurationText.parse(value);
            if (d == null) {
                return "must be a duration with a unit, such as " + DurationText.EXAMPLES + ", got " + quoted(value);
            }
            if (d.compareTo(min) < 0) {
                return "must be at least " + DurationText.format(min) + (why == null ? "" : " (" + why + ")") + ", got " + quoted(value);
            }
            return null;
        };
    }

    /** "adaptive", or what the check takes. */
    static SettingCheck adaptiveOr(SettingCheck check) {
        return wordOr("adaptive", check);
    }

    /** "auto", or what the check takes. */
    static SettingCheck autoOr(SettingCheck check) {
        return wordOr("auto", check);
    }

    /** The word itself (any case), or what {@code check} takes. */
    private static SettingCheck wordOr(String word, SettingCheck check) {
        return value -> {
            if (value.equalsIgnoreCase(word)) {
                return null;
            }
            String problem = check.problem(value);
            return problem == null ? null : problem.replaceFirst("^must be ", "must be " + word + " or ");
        };
    }

    static SettingCheck emptyOr(SettingCheck check) {
        return value -> value.isEmpty() ? null : check.problem(value);
    }

    private static String format(double n) {
        return n == Math.rint(n) ? String.valueOf((long) n) : String.valueOf(n);
    }

    /** The value as the user wrote it, in quotes, cut short when long (at 80 characters: a line stays a line). */
    static String quoted(String value) {
        return "\"" + (value.length() <= 80 ? value : value.substring(0, 80) + "...") + "\"";
    }
}

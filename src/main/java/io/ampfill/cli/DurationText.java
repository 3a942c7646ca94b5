package io.ampfill.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A duration as the settings write it: a number and a unit, or several ("500ms", "5s", "15m", "1h30m", "1d").
 * Camel's TimeUtils is not used because it takes "5" as 5 ms, and "-5s", "5x", "PT5S" and "" as 0, without a word.
 */
final class DurationText {
    static final String EXAMPLES = "500ms, 5s, 15m or 1h";
    private static final Pattern PART = Pattern.compile("(\\d{1,12})(ms|s|m|h|d)");

    private DurationText() {
    }

    /** The duration, or null when the text is not one (a bare number, another unit, a sign, too large). */
    static Duration parse(String text) {
        if (text.isEmpty()) {
            return null;
        }
        Matcher part = PART.matcher(text);
        Duration total = Duration.ZERO;
        int at = 0;
        try {
            while (at < text.length()) {
                if (!part.find(at) || part.start() != at) {
                    return null;
                }
                long n = Long.parseLong(part.group(1));
                total = total.plus(switch (part.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                });
                at = part.end();
            }
            total.toNanos(); // a duration every part of ampfill can count in
        } catch (ArithmeticException tooLarge) {
            return null;
        }
        return total;
    }

    /** The duration the way a setting would write it: "30s", "1500ms", "15m". */
    static String format(Duration duration) {
        long millis = duration.toMillis();
        long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1000L};
        String[] units = {"d", "h", "m", "s"};
        for (int i = 0; i < sizes.length; i++) {
            if (millis != 0 && millis % sizes[i] == 0) {
                return millis / sizes[i] + units[i];
            }
        }
        return millis + "ms";
    }
}

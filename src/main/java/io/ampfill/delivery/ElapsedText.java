package io.ampfill.delivery;

import java.util.Locale;

/** A span of time as the lines delivery prints say it: 40 ms, 2.4 s, 12 s, 1m 10s, 2h 5m. */
final class ElapsedText {
    private ElapsedText() {
    }

    static String of(long nanos) {
        long seconds = Math.round(nanos / 1e9);
        if (nanos < 999_500_000L) {
            return Math.round(nanos / 1e6) + " ms";
        }
        if (nanos < 9_950_000_000L) {
            return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
        }
        if (seconds < 60) {
            return seconds + " s";
        }
        if (seconds < 3600) {
            return seconds / 60 + "m " + seconds % 60 + "s";
        }
        return seconds / 3600 + "h " + seconds % 3600 / 60 + "m";
    }
}

package io.ampfill.observe;

import io.ampfill.delivery.LaneGauges;

import java.time.Duration;
import java.util.Locale;

/** Progress in words: the whole line written to a log, and the details a terminal's live bar shows beside itself. */
public final class ProgressLine {
    private ProgressLine() {
    }

    /** {@code delivered 2,400 of ~6,000 (40%) · 291 ev/s · ETA 21s (device d1: ...) · read 100% of 1.2 MB · retries 0 ...}. */
    public static String line(Progress p) {
        ProgressReading r = p.reading();
        StringBuilder out = new StringBuilder("delivered ").append(count(r.delivered()));
        if (p.recordsTotal() >= 0) {
            out.append(" of ").append(p.recordsTotal() > r.recordsRead() ? "~" : "").append(count(p.recordsTotal()));
            if (p.recordsTotal() > 0) {
                out.append(String.format(Locale.ROOT, " (%d%%)", r.settled() * 100 / p.recordsTotal()));
            }
        }
        out.append(" · ETA ").append(eta(p)).append(" · ");
        return out.append(details(p)).toString();
    }

    /** What the live bar shows beside its count and ETA: the rate, what was read, retries, 429s, dead letters, pauses. */
    public static String details(Progress p) {
        ProgressReading r = p.reading();
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%,.0f ev/s", p.eventsPerSecond()));
        if (r.bytesKnown() > 0) {
            out.append(String.format(Locale.ROOT, " · read %d%% of %s", Math.min(100, r.bytesRead() * 100 / r.bytesKnown()),
                    bytes(r.bytesKnown())));
        } else {
            out.append(" · read ").append(count(r.recordsRead()));
        }
        out.append(" · retries ").append(count(r.retries()))
                .append(" · 429s ").append(count(r.throttled()))
                .append(" · dead-lettered ").append(count(r.deadLettered()))
                .append(" · paused devices ").append(r.lanes().pausedDevices());
        LaneGauges.SlowestDevice slowest = r.lanes().slowest();
        if (p.slowestBound() && slowest != null) {
            out.append(String.format(Locale.ROOT, " · slowest device %s: %s events at %,.0f/s", slowest.key(),
                    count(slowest.events()), slowest.eventsPerSecond()));
        }
        return out.toString();
    }

    /** 45s, 3m05s, 2h07m; "?" while nothing tells. */
    static String eta(Progress p) {
        Duration eta = p.eta();
        if (eta == null) {
            return "?";
        }
        long s = (eta.toMillis() + 999) / 1000;
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60);
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KB", "MB", "GB", "TB"};
        double v = n;
        int unit = -1;
        while (v >= 1024 && unit < units.length - 1) {
            v /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[unit]);
    }
}

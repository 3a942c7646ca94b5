package io.ampfill.delivery;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The lines that say which devices (or users) are paused for their daily quota, until when, and when they send again:
 * those paused or resuming within a second of each other are told in one line, so a 429 naming a thousand devices
 * is one line, not a thousand, and a device refused again when its pause ends is not told again. Not thread-safe:
 * the lanes call it under their lock, and their dispatcher prints what is due.
 */
final class QuotaPauseNotices {
    /** Pauses (or resumes) this close together make one line. */
    static final long GATHER_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Names given in a line about many. */
    private static final int NAMED = 3;
    private static final DateTimeFormatter CLOCK_TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private final Gathered paused = new Gathered();
    private final Gathered resumed = new Gathered();

    /**
     * @param who         "device ID" or "user ID": what Amplitude said is over its quota
     * @param untilMillis when it is tried again (wall clock)
     * @param pauseNanos  how long it is paused
     */
    void paused(String who, long untilMillis, long pauseNanos, long now) {
        paused.add(who, untilMillis, pauseNanos, now);
    }

    /** {@code who} sends again: Amplitude took its events, {@code pausedNanos} after it was first paused. */
    void resumed(String who, long pausedNanos, long now) {
        resumed.add(who, 0, pausedNanos, now);
    }

    /** When the next line is due; Long.MAX_VALUE when none is pending. */
    long dueAt() {
        return Math.min(paused.dueAt(), resumed.dueAt());
    }

    /** The lines due now, the pending ones forgotten once returned. */
    List<String> takeDue(long now) {
        List<String> lines = new ArrayList<>(2);
        if (paused.dueAt() <= now) {
            lines.add(paused.who() + (paused.count == 1 ? " is" : " are") + " over " + (paused.count == 1 ? "its" : "their")
                    + " daily quota (429): paused until " + range(paused.lowest, paused.highest, true) + " ("
                    + range(paused.lowestNanos, paused.highestNanos, false) + "), then tried again with smaller batches;"
                    + " the other devices go on");
            paused.clear();
        }
        if (resumed.dueAt() <= now) {
            lines.add(resumed.who() + (resumed.count == 1 ? " sends" : " send") + " again, after "
                    + range(resumed.lowestNanos, resumed.highestNanos, false) + " paused for "
                    + (resumed.count == 1 ? "its" : "their") + " daily quota");
            resumed.clear();
        }
        return lines;
    }

    private static String range(long low, long high, boolean clockTime) {
        String from = clockTime ? CLOCK_TIME.format(Instant.ofEpochMilli(low)) : ElapsedText.of(low);
        String to = clockTime ? CLOCK_TIME.format(Instant.ofEpochMilli(high)) : ElapsedText.of(high);
        return from.equals(to) ? from : from + "-" + to;
    }

    /** What is pending for one line: how many, the first few names, the range of times. */
    private static final class Gathered {
        int count;
        int devices;
        final List<String> names = new ArrayList<>(NAMED);
        long firstAt;
        long lowest;
        long highest;
        long lowestNanos;
        long highestNanos;

        void add(String who, long millis, long nanos, long now) {
            if (count++ == 0) {
                firstAt = now;
                lowest = highest = millis;
                lowestNanos = highestNanos = nanos;
            }
            if (who.startsWith("device ")) {
                devices++;
            }
            if (names.size() < NAMED) {
                names.add(who);
            }
            lowest = Math.min(lowest, millis);
            highest = Math.max(highest, millis);
            lowestNanos = Math.min(lowestNanos, nanos);
            highestNanos = Math.max(highestNanos, nanos);
        }

        long dueAt() {
            return count == 0 ? Long.MAX_VALUE : firstAt + GATHER_NANOS;
        }

        /** "device d-1", or "3 devices and 1 user (device d-1, device d-2, user u-1, ...)". */
        String who() {
            if (count == 1) {
                return names.get(0);
            }
            int users = count - devices;
            String kinds = (devices > 0 ? devices + (devices == 1 ? " device" : " devices") : "")
                    + (devices > 0 && users > 0 ? " and " : "") + (users > 0 ? users + (users == 1 ? " user" : " users") : "");
            return kinds + " (" + String.join(", ", names) + (count > names.size() ? ", ..." : "") + ")";
        }

        void clear() {
            count = 0;
            devices = 0;
            names.clear();
        }
    }
}

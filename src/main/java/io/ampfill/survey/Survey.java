package io.ampfill.survey;

import io.ampfill.event.MappedEvent;
import io.ampfill.event.MappingOutcome;
import io.ampfill.event.Refused;
import io.ampfill.report.RunReport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a look at the input found, before anything is sent: records, valid events, rejects by reason with the first
 * few places, the events per device and per user, and the events' time range. Memory stays bounded however large the
 * input: counts per id are sketches ({@link IdCounts}), and of each reason only the first places are kept.
 */
public final class Survey {
    /** Places kept per reason: enough to find the problem in the file. */
    static final int EXAMPLES = 3;
    /** Amplitude may take up to 48 hours to show events this old in some charts (its backfill guide). */
    public static final Duration OLD = Duration.ofDays(30);

    /** The records refused for one kind of reason: how many, and where the first ones are. */
    public static final class Rejects {
        private long count;
        private final List<String> examples = new ArrayList<>(EXAMPLES);

        public long count() {
            return count;
        }

        /** "file:line" of the first few. */
        public List<String> examples() {
            return examples;
        }
    }

    private final long now;
    private final IdCounts devices = new IdCounts();
    private final IdCounts users = new IdCounts();
    private final Map<String, Rejects> rejects = new LinkedHashMap<>();
    private final Map<String, String> notRead = new LinkedHashMap<>();
    private long records;
    private long valid;
    private long old;
    private long earliest = Long.MAX_VALUE;
    private long latest = Long.MIN_VALUE;

    /** @param now epoch milliseconds, for the age of events */
    public Survey(long now) {
        this.now = now;
    }

    /** One record of {@code source} at {@code line}, as the mapping took it. */
    public void add(String source, long line, MappingOutcome outcome) {
        records++;
        if (outcome instanceof MappedEvent event) {
            addEvent(event);
        } else {
            String reason = ((Refused) outcome).reason();
            String place = source + ":" + line;
            int colon = reason.indexOf(": ");
            if (reason.startsWith(source + ", ") && colon > 0) {
                // a database row's problem starts with the row's name ("table events, id 3: ..."): that is its place
                place = reason.substring(0, colon);
                reason = reason.substring(colon + 2);
            }
            Rejects of = rejects.computeIfAbsent(RunReport.kindOf(reason), k -> new Rejects());
            of.count++;
            if (of.examples.size() < EXAMPLES) {
                of.examples.add(place);
            }
        }
    }

    private void addEvent(MappedEvent event) {
        valid++;
        // the lane key, as delivery paces it: device_id, else user_id
        devices.add(event.deviceKey());
        if (event.userId() != null) {
            users.add(event.userId());
        }
        long time = event.time();
        earliest = Math.min(earliest, time);
        latest = Math.max(latest, time);
        if (now - time >= OLD.toMillis()) {
            old++;
        }
    }

    /** A file that could not be read, or read to its end, and why. */
    public void notRead(String source, String reason) {
        notRead.put(source, reason);
    }

    public long records() {
        return records;
    }

    public long valid() {
        return valid;
    }

    public long rejected() {
        return records - valid;
    }

    /** By reason (its kind, as the run's report groups them), the most frequent first. */
    public Map<String, Rejects> rejects() {
        Map<String, Rejects> sorted = new LinkedHashMap<>();
        rejects.entrySet().stream()
                .sorted(Map.Entry.<String, Rejects>comparingByValue(Comparator.comparingLong(Rejects::count).reversed())
                        .thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    public Map<String, String> notRead() {
        return notRead;
    }

    /** Events per lane (device_id, else user_id, as delivery paces them). */
    public IdCounts devices() {
        return devices;
    }

    /** Events per user_id, of the events that have one. */
    public IdCounts users() {
        return users;
    }

    /** Events whose time is {@link #OLD} or older. */
    public long old() {
        return old;
    }

    /** The earliest event's time, epoch ms; only when there are valid events. */
    public long earliest() {
        return earliest;
    }

    public long latest() {
        return latest;
    }

    /** Nothing rejected and every file read. */
    public boolean clean() {
        return rejected() == 0 && notRead.isEmpty();
    }
}

package io.ampfill.report;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import java.util.function.LongConsumer;

/** The counts a run ends with: read, delivered, dead-lettered by reason, requests, retries by cause, speed. */
public final class RunReport {
    private final long startedAt = System.nanoTime();
    private final LongAdder recordsRead = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder published = new LongAdder();
    /** The run's sink is a Kafka topic (backfill.sink=kafka): it reports events published, not delivered. */
    private volatile boolean publishing;
    private final LongAdder requests = new LongAdder();
    private final LongAdder eventsSent = new LongAdder();
    private final LongAdder longStrings = new LongAdder();
    private final LongAdder waitedOnDisk = new LongAdder();
    private final LongAdder files = new LongAdder();
    private final LongAdder filesNotRead = new LongAdder();
    private final Map<String, LongAdder> deadLettered = new ConcurrentHashMap<>();
    /** By source: a file's name relative to the inbox, or a table's. */
    private final Map<String, LongAdder> deadLetteredBySource = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> retries = new ConcurrentHashMap<>();
    private volatile long finishedAt;
    private volatile java.util.function.Supplier<Map<String, String>> sourceLines = Map::of;
    /** The input's files and their sizes, as far as known: those in the inbox at the start and any opened since. */
    private final Map<String, Long> inputFiles = new ConcurrentHashMap<>();
    private final LongAdder inputBytesKnown = new LongAdder();
    private final LongAdder inputBytesRead = new LongAdder();
    /** The records the run has to read, when its source counted them (a table's rows); -1 while not known. */
    private volatile long recordsKnown = -1;
    /** Requests answered, by the answer's class: 2xx, 400, 413, 429, 4xx, 5xx, none (no answer). */
    private final Map<String, LongAdder> answers = new ConcurrentHashMap<>();
    private volatile BiConsumer<Kind, String> newKind = (kind, key) -> { };
    private volatile LongConsumer answerNanos = nanos -> { };

    /** The counts kept per key: dead letters by reason, retries by cause, requests by the class of their answer. */
    public enum Kind { DEAD_LETTER_REASON, RETRY_CAUSE, ANSWER_CLASS }

    /** A file of the input and its size, told once it is known (at the start, or when it is opened). */
    public void inputFile(String name, long bytes) {
        if (inputFiles.putIfAbsent(name, bytes) == null) {
            inputBytesKnown.add(bytes);
        }
    }

    /** Bytes of the input's files read (compressed ones for a .gz file). */
    public void inputRead(long bytes) {
        inputBytesRead.add(bytes);
    }

    /** The bytes of the input's files known so far (0: none known, as for a table). */
    public long inputBytesKnown() {
        return inputBytesKnown.sum();
    }

    public long inputBytesRead() {
        return inputBytesRead.sum();
    }

    /** The records the run has to read, as its source counted them at the start (a table's rows after its position). */
    public void recordsKnown(long records) {
        recordsKnown = records;
    }

    /** The records the run has to read, as counted at the start; -1 when the source counts none (files, Kafka) or not yet. */
    public long recordsKnown() {
        return recordsKnown;
    }

    /**
     * Told once of each reason of dead letters (as grouped, see {@link #deadLettered(String, String)}) and each cause of retries,
     * those seen already at once: a metric per reason is made when its first dead letter comes.
     */
    public void onNewKinds(BiConsumer<Kind, String> told) {
        newKind = told;
        deadLettered.keySet().forEach(key -> told.accept(Kind.DEAD_LETTER_REASON, key));
        retries.keySet().forEach(key -> told.accept(Kind.RETRY_CAUSE, key));
        answers.keySet().forEach(key -> told.accept(Kind.ANSWER_CLASS, key));
    }

    /** Told how long each answered request took, in nanoseconds (for the latency histogram). */
    public void onAnswer(LongConsumer nanos) {
        answerNanos = nanos;
    }

    /** A request answered with this HTTP status (0: no answer) after this long. */
    public void answered(int status, long nanos) {
        counter(answers, Kind.ANSWER_CLASS, answerClass(status)).increment();
        answerNanos.accept(nanos);
    }

    /** Every class an answer may have (see {@link #answerClass}). */
    public static final java.util.List<String> ANSWER_CLASSES = java.util.List.of("2xx", "400", "413", "429", "4xx", "5xx", "none");

    /** The class of an answer: the status when Amplitude gives it a meaning of its own, else 2xx, 4xx, 5xx; none. */
    static String answerClass(int status) {
        if (status == 400 || status == 413 || status == 429) {
            return String.valueOf(status);
        }
        return status >= 200 && status < 600 ? status / 100 + "xx" : "none";
    }

    /** Requests answered with this class of answer (see {@link #answerClass}). */
    public long answers(String answerClass) {
        return count(answers, answerClass);
    }

    public void recordsRead(int n) {
        recordsRead.add(n);
    }

    public void fileCommitted() {
        files.increment();
    }

    /** A file of the inbox that could not be read (named in its own line); the run ends with exit code 1. */
    public void fileNotRead() {
        filesNotRead.increment();
    }

    public long filesNotRead() {
        return filesNotRead.sum();
    }

    public void delivered(int n) {
        delivered.add(n);
    }

    /** This run publishes to a Kafka topic instead of delivering to Amplitude. */
    public void publishing() {
        publishing = true;
    }

    public boolean isPublishing() {
        return publishing;
    }

    /** Events Kafka acknowledged. */
    public void published(int n) {
        published.add(n);
    }

    public long published() {
        return published.sum();
    }

    public void requestSent(int events) {
        requests.increment();
        eventsSent.add(events);
    }

    /** Events of a device over its share of memory that waited on disk (backfill.spill-dir). */
    public void waitedOnDisk(int n) {
        waitedOnDisk.add(n);
    }

    public long waitedOnDisk() {
        return waitedOnDisk.sum();
    }

    public void longStrings(int n) {
        longStrings.add(n);
    }

    /** A record of {@code source} dead-lettered; the reason is grouped by its kind (see {@link #kindOf}). */
    public void deadLettered(String source, String reason) {
        counter(deadLettered, Kind.DEAD_LETTER_REASON, kindOf(reason)).increment();
        deadLetteredBySource.computeIfAbsent(source, k -> new LongAdder()).increment();
    }

    /** A dead letter written, then taken back as the run stopped before its position was saved: the next run writes it. */
    public void deadLetterWithdrawn(String source, String reason) {
        LongAdder written = deadLettered.get(kindOf(reason));
        if (written != null) {
            written.decrement();
        }
        LongAdder ofSource = deadLetteredBySource.get(source);
        if (ofSource != null) {
            ofSource.decrement();
        }
    }

    public void retry(String cause) {
        counter(retries, Kind.RETRY_CAUSE, cause).increment();
    }

    /** The number of retries whose cause starts so ("429": Amplitude's answers of too many requests). */
    public long retries(String causePrefix) {
        long n = 0;
        for (Map.Entry<String, LongAdder> e : retries.entrySet()) {
            if (e.getKey().startsWith(causePrefix)) {
                n += e.getValue().sum();
            }
        }
        return n;
    }

    public long retries() {
        return retries("");
    }

    /** Dead letters of one reason, as grouped. */
    public long deadLetteredOf(String kind) {
        return count(deadLettered, kind);
    }

    public long retriesOf(String cause) {
        return count(retries, cause);
    }

    private static long count(Map<String, LongAdder> counters, String key) {
        LongAdder n = counters.get(key);
        return n == null ? 0 : n.sum();
    }

    /** The counter of this key, made (and told to {@link #onNewKinds}) the first time. */
    private LongAdder counter(Map<String, LongAdder> counters, Kind kind, String key) {
        LongAdder counter = counters.get(key);
        if (counter != null) {
            return counter;
        }
        LongAdder made = new LongAdder();
        counter = counters.putIfAbsent(key, made);
        if (counter != null) {
            return counter;
        }
        newKind.accept(kind, key);
        return made;
    }

    /** Lines of the report the source adds (a Kafka source: its partitions and the group's lag), read when it is rendered. */
    public void sourceLines(java.util.function.Supplier<Map<String, String>> lines) {
        this.sourceLines = lines;
    }

    /** The source's own lines of the report (none for files and tables), label to value. */
    public Map<String, String> sourceLines() {
        return sourceLines.get();
    }

    public void finish() {
        if (finishedAt == 0) {
            finishedAt = System.nanoTime();
        }
    }

    public long recordsRead() {
        return recordsRead.sum();
    }

    public long delivered() {
        return delivered.sum();
    }

    public long requests() {
        return requests.sum();
    }

    public long deadLettered() {
        return deadLettered.values().stream().mapToLong(LongAdder::sum).sum();
    }

    public Map<String, Long> deadLetteredByReason() {
        return sums(deadLettered);
    }

    /** Dead letters per source file (or table), the sources with none left out. */
    public Map<String, Long> deadLetteredBySource() {
        Map<String, Long> bySource = sums(deadLetteredBySource);
        bySource.values().removeIf(n -> n == 0);
        return bySource;
    }

    public long filesCompleted() {
        return files.sum();
    }

    /** Events in all requests sent, each resend counted again. */
    public long eventsSent() {
        return eventsSent.sum();
    }

    public long longStrings() {
        return longStrings.sum();
    }

    /** Events that reached the run's sink: delivered to Amplitude, or published to Kafka (backfill.sink=kafka). */
    public long arrived() {
        return publishing ? published() : delivered();
    }

    /** Events that reached the sink ({@link #arrived()}) per second of the run. */
    public double eventsPerSecond() {
        return arrived() / seconds();
    }

    private double seconds() {
        return Math.max(elapsed().toNanos() / 1e9, 1e-9);
    }

    public Map<String, Long> retriesByCause() {
        return sums(retries);
    }

    public Duration elapsed() {
        long end = finishedAt == 0 ? System.nanoTime() : finishedAt;
        return Duration.ofNanos(end - startedAt);
    }

    public String render(String mode) {
        StringBuilder out = new StringBuilder();
        out.append("ampfill report (").append(mode).append(")\n");
        if (files.sum() > 0) {
            line(out, "files completed", String.valueOf(files.sum()));
        }
        if (filesNotRead.sum() > 0) {
            line(out, "files not read", filesNotRead.sum() + " (named above, left in the inbox)");
        }
        sourceLines.get().forEach((label, value) -> line(out, label, value));
        line(out, "records read", String.valueOf(recordsRead()));
        line(out, publishing ? "events published" : "events delivered", String.valueOf(arrived()));
        line(out, "dead-lettered", String.valueOf(deadLettered()));
        deadLetteredByReason().forEach((reason, n) -> {
            if (n > 0) {
                line(out, "  " + reason, String.valueOf(n));
            }
        });
        if (!publishing) {
            renderDelivery(out);
        }
        if (longStrings.sum() > 0) {
            line(out, "strings over 1024 chars", longStrings.sum() + " (Amplitude cuts them to 1024)");
        }
        line(out, "elapsed", String.format(Locale.ROOT, "%.1f s", seconds()));
        line(out, "events/s", String.format(Locale.ROOT, "%.0f", eventsPerSecond()));
        return out.toString();
    }

    /** Amplitude's requests, retries and what waited on disk: none of it happens when publishing to Kafka. */
    private void renderDelivery(StringBuilder out) {
        long sent = eventsSent.sum();
        line(out, "requests", requests() + (requests() > 0
                ? String.format(Locale.ROOT, " (%.1f events per request)", (double) sent / requests()) : ""));
        Map<String, Long> byCause = retriesByCause();
        line(out, "retries", String.valueOf(byCause.values().stream().mapToLong(Long::longValue).sum()));
        byCause.forEach((cause, n) -> line(out, "  " + cause, String.valueOf(n)));
        if (waitedOnDisk.sum() > 0) {
            line(out, "waited on disk", waitedOnDisk.sum() + " events of devices that could not send as fast as read");
        }
    }

    private static void line(StringBuilder out, String label, String value) {
        out.append(String.format(Locale.ROOT, "  %-34s %s%n", label, value));
    }

    private static Map<String, Long> sums(Map<String, LongAdder> adders) {
        Map<String, Long> sums = new TreeMap<>();
        adders.forEach((k, v) -> sums.put(k, v.sum()));
        return sums;
    }

    /** The reason's kind: quoted values and what follows a colon are left out. */
    public static String kindOf(String reason) {
        String kind = reason.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"…\"");
        int colon = kind.indexOf(": ");
        return colon > 0 ? kind.substring(0, colon) : kind;
    }
}

package io.ampfill.observe;

import io.ampfill.delivery.LaneGauges;
import io.ampfill.report.RunReport;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The run's metrics, in Prometheus' names once scraped ({@code ampfill_events_delivered_total}, ...). The counters read
 * the run report's own counts when scraped, so they agree with the report and cost the events nothing; the per-request
 * latency is the one thing recorded as it happens. The lanes' gauges are read at most once per scrape.
 */
public final class RunMetrics {
    /** The latency histogram's buckets: Amplitude answers in tens of milliseconds, up to the 180 s response timeout. */
    static final Duration[] LATENCY_BUCKETS = {Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
            Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60),
            Duration.ofSeconds(180)};
    /** Gauges read within this long of each other share one look at the lanes. */
    private static final long LANES_FRESH_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final MeterRegistry registry;
    private final RunReport report;
    private final Supplier<LaneGauges> lanes;
    private LaneGauges lastLanes = LaneGauges.NONE;
    private long lastLanesAt;

    private RunMetrics(MeterRegistry registry, RunReport report, Supplier<LaneGauges> lanes) {
        this.registry = registry;
        this.report = report;
        this.lanes = lanes;
    }

    /** Registers the run's meters; those per reason, cause or answer class as each first comes. */
    public static RunMetrics bind(MeterRegistry registry, RunReport report, Supplier<LaneGauges> lanes) {
        RunMetrics metrics = new RunMetrics(registry, report, lanes);
        metrics.counter("ampfill.events.read", "Records read from the source", RunReport::recordsRead);
        metrics.counter("ampfill.events.delivered", "Events acknowledged by Amplitude", RunReport::delivered);
        metrics.counter("ampfill.events.spilled", "Events of a device over its share of memory that waited on disk",
                RunReport::waitedOnDisk);
        metrics.counter("ampfill.input.read.bytes", "Bytes of the input's files read", RunReport::inputBytesRead);
        metrics.gauge("ampfill.input.known.bytes", "Bytes of the input's files known so far", m -> m.report.inputBytesKnown());
        metrics.gauge("ampfill.events.in.flight", "Events read and not yet acknowledged or dead-lettered, in memory",
                m -> m.lanes().eventsInMemory());
        metrics.gauge("ampfill.events.on.disk", "Events waiting on disk now (spilled)", m -> m.lanes().eventsOnDisk());
        metrics.gauge("ampfill.devices.paused", "Devices or users paused for their daily quota", m -> m.lanes().pausedDevices());
        metrics.gauge("ampfill.requests.in.flight", "Requests posted and not yet answered", m -> m.lanes().requestsInFlight());
        metrics.gauge("ampfill.request.concurrency.limit", "Requests allowed in flight at once now: the adaptive limit,"
                + " or amplitude.max-concurrent-requests when fixed", m -> m.lanes().concurrencyLimit());
        Timer latency = Timer.builder("ampfill.request.latency").description("Time from posting a request to its answer")
                .serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
        report.onAnswer(nanos -> latency.record(nanos, TimeUnit.NANOSECONDS));
        // every class of answer from the start, at 0: a dashboard's rate of 429s shows 0, not "no data"
        for (String answer : RunReport.ANSWER_CLASSES) {
            metrics.kind(RunReport.Kind.ANSWER_CLASS, answer);
        }
        report.onNewKinds(metrics::kind);
        return metrics;
    }

    private void kind(RunReport.Kind kind, String key) {
        switch (kind) {
            case DEAD_LETTER_REASON -> FunctionCounter.builder("ampfill.events.dead.lettered", report, r -> r.deadLetteredOf(key))
                    .description("Events dead-lettered, by reason").tag("reason", key).register(registry);
            case RETRY_CAUSE -> FunctionCounter.builder("ampfill.retries", report, r -> r.retriesOf(key))
                    .description("Requests (or parts) sent again, by cause").tag("cause", key).register(registry);
            case ANSWER_CLASS -> {
                if (registry.find("ampfill.requests").tag("answer", key).functionCounter() == null) {
                    FunctionCounter.builder("ampfill.requests", report, r -> r.answers(key))
                            .description("Requests answered, by the answer's class (none: no answer)").tag("answer", key)
                            .register(registry);
                }
            }
        }
    }

    private void counter(String name, String description, ToDoubleFunction<RunReport> count) {
        FunctionCounter.builder(name, report, count).description(description).register(registry);
    }

    private void gauge(String name, String description, ToDoubleFunction<RunMetrics> value) {
        Gauge.builder(name, this, value).description(description).register(registry);
    }

    private synchronized LaneGauges lanes() {
        long now = System.nanoTime();
        if (lastLanesAt == 0 || now - lastLanesAt > LANES_FRESH_NANOS) {
            lastLanes = lanes.get();
            lastLanesAt = now;
        }
        return lastLanes;
    }
}

package io.ampfill.cli;

import io.ampfill.delivery.LaneGauges;
import io.ampfill.observe.ContextLanes;
import io.ampfill.observe.DeliveryHealthCheck;
import io.ampfill.observe.ProgressDisplay;
import io.ampfill.observe.ProgressReading;
import io.ampfill.observe.RunMetrics;
import io.ampfill.report.RunReport;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What lets a user watch a run: progress while it goes (backfill.progress), and health and Prometheus metrics on a
 * management port (backfill.management-port), served by Camel's own management server, health checks and
 * Micrometer registry.
 */
final class Watching {
    /** Camel's own default management port; a watching run (backfill.run-once=false) serves on it unless told otherwise. */
    static final int DEFAULT_MANAGEMENT_PORT = 9876;
    private static final Logger PROGRESS = LoggerFactory.getLogger("io.ampfill.progress");

    private final CamelContext context;
    private final RunReport report;
    private final Supplier<LaneGauges> lanes;
    private ScheduledExecutorService timer;
    private ProgressDisplay display;

    Watching(CamelContext context, RunReport report) {
        this.context = context;
        this.report = report;
        this.lanes = new ContextLanes(context);
    }

    /** The management port: the setting, else the default when watching; -1 when off (or not a port: refused later). */
    static int managementPort(Settings settings) {
        String port = settings.text(Setting.MANAGEMENT_PORT);
        if (port.equals("off")) {
            return -1;
        }
        if (port.isEmpty()) {
            return "false".equalsIgnoreCase(settings.text(Setting.RUN_ONCE)) ? DEFAULT_MANAGEMENT_PORT : -1;
        }
        try {
            int n = Integer.parseInt(port);
            return n >= 1 && n <= 65535 ? n : -1;
        } catch (NumberFormatException notAPort) {
            return -1; // SettingRules stops the run with the reason
        }
    }

    /**
     * Camel Main's settings that serve /observe/health, /observe/health/ready and /observe/metrics on the management
     * port, if there is one: set before Camel Main reads its own settings, so its management server, health checks and
     * Prometheus service start with the context. Camel's own per-exchange metrics stay off: they would cost every
     * exchange and tell a user little.
     */
    static Map<String, String> camelManagement(Settings settings) {
        int port = managementPort(settings);
        if (port < 0) {
            return Map.of();
        }
        Map<String, String> camel = new LinkedHashMap<>();
        camel.put("camel.management.enabled", "true");
        camel.put("camel.management.host", settings.text(Setting.MANAGEMENT_HOST));
        camel.put("camel.management.port", String.valueOf(port));
        camel.put("camel.management.health-check-enabled", "true");
        camel.put("camel.management.metrics-enabled", "true");
        camel.put("camel.management.info-enabled", "false");
        camel.put("camel.metrics.enabled", "true");
        camel.put("camel.metrics.enable-route-policy", "false");
        camel.put("camel.metrics.enable-exchange-event-notifier", "false");
        camel.put("camel.metrics.enable-route-event-notifier", "false");
        camel.put("camel.metrics.enable-message-history", "false");
        return camel;
    }

    /**
     * The run's metrics in the Prometheus registry Camel's /observe/metrics scrapes, and its readiness among Camel's
     * health checks; when the management port is on.
     */
    void serveManagement(Settings settings, Supplier<String> deliveryStopped, Supplier<String> storeProblem) {
        int port = managementPort(settings);
        if (port < 0) {
            return;
        }
        // the registry Camel's Prometheus service scrapes at /observe/metrics: its own when it has made it already,
        // else one it takes when it starts, bound under its name
        MeterRegistry registry = context.getRegistry().lookupByNameAndType(MicrometerConstants.METRICS_REGISTRY_NAME,
                MeterRegistry.class);
        if (registry == null) {
            registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            context.getRegistry().bind(MicrometerConstants.METRICS_REGISTRY_NAME, registry);
        }
        RunMetrics.bind(registry, report, lanes);
        context.getRegistry().bind("ampfillDelivery", new DeliveryHealthCheck(deliveryStopped, storeProblem));
        LoggerFactory.getLogger(Watching.class).info("health and metrics on http://{}:{}/observe/health/ready and"
                + " /observe/metrics", settings.get(Setting.MANAGEMENT_HOST), port);
    }

    /**
     * Starts progress (once the routes run), if backfill.progress: a live line on a terminal, else a log line every
     * backfill.progress-interval.
     */
    synchronized void startProgress(Settings settings) {
        if (!settings.get(Setting.PROGRESS)) {
            return;
        }
        Duration interval = settings.get(Setting.PROGRESS_INTERVAL);
        Supplier<ProgressReading> readings = () -> new ProgressReading(report.recordsRead(), report.delivered(),
                report.deadLettered(), report.retries(), report.retries("429"), report.inputBytesRead(),
                report.inputBytesKnown(), report.recordsKnown(), lanes.get());
        // System.console() is null when standard input or output is not a terminal: a pipe, a file, systemd
        display = System.console() != null ? ProgressDisplay.terminal(readings, System::nanoTime)
                : ProgressDisplay.lines(readings, System::nanoTime, interval, PROGRESS::info);
        long tick = Math.min(ProgressDisplay.TICK.toMillis(), interval.toMillis());
        timer = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "AmpfillProgress");
        timer.scheduleAtFixedRate(display::tick, tick, tick, TimeUnit.MILLISECONDS);
    }

    /**
     * Ends progress before the report is printed (or when a watched service holds on a fatal answer): a terminal's
     * live line is drawn a last time and ended. Once: a held service ends it again as it stops.
     */
    synchronized void stopProgress() {
        if (timer != null) {
            context.getExecutorServiceManager().shutdownNow(timer);
            timer = null;
        }
        if (display != null) {
            display.close();
            display = null;
        }
    }
}

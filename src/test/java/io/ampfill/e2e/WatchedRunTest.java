package io.ampfill.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ampfill.emulator.AmplitudeEmulator;
import io.ampfill.emulator.EmulatorSettings;
import io.ampfill.emulator.Fault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run watched as an operator watches a service: Prometheus metrics and health on the management port, scraped over
 * HTTP while the real routes send to the emulator.
 */
class WatchedRunTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final String KEY = "test-key-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;
    /** A watching run the test started: stopped if the test ends before it does, so it does not outlive the test. */
    private Backfill watching;
    private CompletableFuture<Integer> run;

    @AfterEach
    void stopWatching() throws Exception {
        if (run != null && !run.isDone()) {
            watching.stop();
            run.get(60, TimeUnit.SECONDS);
        }
    }

    private CompletableFuture<Integer> start(Backfill backfill) {
        watching = backfill;
        run = CompletableFuture.supplyAsync(backfill::run);
        return run;
    }

    @Test
    void metrics_scraped_during_a_run_grow_and_agree_with_the_final_report() throws Exception {
        int devices = 10;
        int perDevice = 900;
        try (AmplitudeEmulator emulator = AmplitudeEmulator.start(new EmulatorSettings().deviceEps(300))) {
            Backfill backfill = new Backfill(work, emulator);
            int port = freePort();
            backfill.set("backfill.run-once", "false").set("backfill.management-port", String.valueOf(port));
            backfill.drop("events.ndjson", String.join("", Events.timeOrderedFiles(devices, perDevice, 1)) + "{not json\n");
            CompletableFuture<Integer> run = start(backfill);

            // at 300 events/s per device the run takes 3 s: the first scrape that shows deliveries comes before the end
            String during = awaitMetric(port, "ampfill_events_delivered_total", v -> v > 0);
            double deliveredDuring = value(during, "ampfill_events_delivered_total");
            assertThat(deliveredDuring).isLessThan(devices * perDevice);
            awaitStatus(port, "/observe/health/ready", 200); // Camel's own checks are down until its context has started
            assertThat(get(port, "/observe/health/ready?exposureLevel=full").body()).contains("\"name\":\"delivery\",\"status\":\"UP\"");

            Events.awaitIngested(emulator, (long) devices * perDevice);
            String after = awaitMetric(port, "ampfill_events_in_flight", v -> v == 0);
            backfill.stop();
            assertThat(run.get(30, TimeUnit.SECONDS)).as(backfill.err).isZero();

            Events.assertDeliveredInOrder(emulator, devices, perDevice);
            assertThat(value(after, "ampfill_events_delivered_total")).isEqualTo(devices * perDevice)
                    .isEqualTo(backfill.report.delivered());
            assertThat(value(after, "ampfill_events_read_total")).isEqualTo(devices * perDevice + 1)
                    .isEqualTo(backfill.report.recordsRead());
            assertThat(value(after, "ampfill_events_dead_lettered_total{reason=\"not valid JSON\"}")).isEqualTo(1);
            double requests = value(after, "ampfill_requests_total{answer=\"2xx\"}");
            assertThat(requests).isEqualTo(backfill.report.requests());
            assertThat(value(after, "ampfill_request_latency_seconds_count")).isEqualTo(requests);
            assertThat(after).contains("ampfill_request_latency_seconds_bucket{le=\"0.1\"}", "ampfill_devices_paused 0",
                    "ampfill_events_spilled_total 0");
            assertThat(after).doesNotContain(KEY);
        }
    }

    @Test
    void a_watched_service_that_meets_a_wrong_key_stays_up_not_ready_with_the_reason_and_loses_nothing() throws Exception {
        try (AmplitudeEmulator emulator = AmplitudeEmulator.start(new EmulatorSettings().expectedApiKey("the-right-key-0123"))) {
            Backfill backfill = new Backfill(work, emulator);
            int port = freePort();
            backfill.set("backfill.run-once", "false").set("backfill.management-port", String.valueOf(port));
            Path file = backfill.drop("events.ndjson", String.join("", Events.timeOrderedFiles(5, 20, 1)));
            CompletableFuture<Integer> run = start(backfill);

            // Camel's own consumer check is down too until the file consumer's first poll: wait for the delivery check
            String delivery = "\"name\":\"delivery\",\"status\":\"DOWN\"";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            HttpResponse<String> ready;
            while ((ready = get(port, "/observe/health/ready?exposureLevel=full")) == null || !ready.body().contains(delivery)) {
                assertThat(System.nanoTime()).as("waiting for the delivery check to go down").isLessThan(deadline);
                Thread.sleep(20);
            }
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("delivery stopped: Amplitude refused the API key (400 Invalid API key)")
                    .doesNotContain(KEY);
            assertThat(status(port, "/observe/health/live")).isEqualTo(200);
            assertThat(run).as("the service is still up, not ended by the fatal answer").isNotDone();
            assertThat(value(get(port, "/observe/metrics").body(), "ampfill_events_delivered_total")).isZero();

            backfill.stop();
            assertThat(run.get(30, TimeUnit.SECONDS)).as("exit code once stopped").isEqualTo(1);
            assertThat(file).as("the file stays in the inbox, to be read again by the next run").exists();
            assertThat(emulator.ingestedCount()).isZero();
        }
    }

    @Test
    void the_grafana_dashboard_queries_only_metrics_a_real_run_exposes() throws Exception {
        // a 503 and a bad line: every kind of metric the dashboard draws has a series
        try (AmplitudeEmulator emulator = AmplitudeEmulator.start(new EmulatorSettings())) {
            emulator.script(Fault.status(503));
            Backfill backfill = new Backfill(work, emulator);
            int port = freePort();
            backfill.set("backfill.run-once", "false").set("backfill.management-port", String.valueOf(port))
                    .set("amplitude.retry.base", "10ms");
            backfill.drop("events.ndjson", String.join("", Events.timeOrderedFiles(20, 50, 1)) + "{not json\n");
            start(backfill);
            awaitMetric(port, "ampfill_events_delivered_total", v -> v == 1000);
            String scrape = awaitMetric(port, "ampfill_events_in_flight", v -> v == 0);

            Set<String> exposed = new TreeSet<>();
            Matcher sample = Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]").matcher(scrape);
            while (sample.find()) {
                exposed.add(sample.group(1));
            }
            Set<String> used = DashboardQueries.metrics(JSON.readTree(Path.of("docs/grafana-dashboard.json").toFile()));

            assertThat(used).as("metrics the dashboard queries").hasSizeGreaterThan(10);
            assertThat(exposed).as("metrics a scrape of /observe/metrics shows after a run").containsAll(used);
        }
    }

    @Test
    void the_dashboard_check_finds_every_metric_a_query_reads_and_nothing_else() {
        assertThat(DashboardQueries.inQuery("histogram_quantile(0.95, sum by (le) (rate(a_seconds_bucket{instance=~\"$x\","
                + " answer=\"429\"}[5m]))) / ignoring(job) b_total and up offset 5m"))
                .containsExactly("a_seconds_bucket", "b_total", "up");
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static HttpResponse<String> get(int port, String path) throws InterruptedException {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5))
                    .build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException notYetListening) {
            return null;
        }
    }

    static int status(int port, String path) throws InterruptedException {
        HttpResponse<String> answer = get(port, path);
        return answer == null ? -1 : answer.statusCode();
    }

    static void awaitStatus(int port, String path, int status) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (status(port, path) != status) {
            assertThat(System.nanoTime()).as("waiting for %s to answer %d", path, status).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** Scrapes /observe/metrics until the metric (a name, with its labels) has a value that passes; returns that scrape. */
    static String awaitMetric(int port, String metric, java.util.function.DoublePredicate passes) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            HttpResponse<String> scrape = get(port, "/observe/metrics");
            if (scrape != null && scrape.statusCode() == 200 && scrape.body().contains(metric + " ")
                    && passes.test(value(scrape.body(), metric))) {
                return scrape.body();
            }
            assertThat(System.nanoTime()).as("waiting for %s", metric).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** The value of a metric line of a Prometheus scrape: the name with its labels, exactly as written. */
    static double value(String scrape, String metric) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(metric) + " (\\S+)").matcher(scrape);
        assertThat(m.find()).as("%s in the scrape:%n%s", metric, scrape).isTrue();
        return Double.parseDouble(m.group(1));
    }
}

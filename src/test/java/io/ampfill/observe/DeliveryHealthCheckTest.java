package io.ampfill.observe;

import io.ampfill.delivery.RecordingListener;
import io.ampfill.emulator.AmplitudeEmulator;
import io.ampfill.emulator.EmulatorSettings;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The run's readiness among Camel's health checks, served on Camel's management port: a Camel Main of the test's own
 * sends to the amplitude component, which keeps running after a fatal answer (ampfill's own run stops then, and its
 * management port with it), so the not-ready answer stays to be asked for.
 */
class DeliveryHealthCheckTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void readiness_goes_down_with_the_reason_when_amplitude_refuses_the_api_key() throws Exception {
        try (AmplitudeEmulator emulator = AmplitudeEmulator.start(new EmulatorSettings().expectedApiKey("right-key-0123456789"))) {
            int port = freePort();
            RecordingListener delivery = new RecordingListener();
            AtomicBoolean amplitudeFixed = new AtomicBoolean();
            AtomicReference<String> store = new AtomicReference<>();
            Main main = new Main();
            main.addOverrideProperty("camel.management.enabled", "true");
            main.addOverrideProperty("camel.management.host", "127.0.0.1");
            main.addOverrideProperty("camel.management.port", String.valueOf(port));
            main.addOverrideProperty("camel.management.health-check-enabled", "true");
            main.bind("ampfillDelivery", new DeliveryHealthCheck(
                    () -> amplitudeFixed.get() || delivery.fatal.isEmpty() ? null : delivery.fatal.get(0), store::get));
            main.bind("fatalStop", delivery);
            main.configure().addRoutesBuilder(new RouteBuilder() {
                @Override
                public void configure() {
                    errorHandler(noErrorHandler()); // the failed exchange is the test's to look at, not to be logged
                    from("direct:events").to("amplitude:batch?apiKey=RAW(wrong-key-7f3e9a1b2c)&deliveryListener=#fatalStop&endpoint="
                            + emulator.batchUrl());
                }
            });
            CompletableFuture<Void> running = CompletableFuture.runAsync(() -> {
                try {
                    main.run();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try {
                assertThat(awaitReady(port, 200).body()).contains("UP");

                main.getCamelContext().createProducerTemplate().send("direct:events", exchange -> exchange.getIn()
                        .setBody("{\"event_type\":\"e\",\"device_id\":\"device-0001\",\"time\":1700000000000}"));
                HttpResponse<String> notReady = awaitReady(port, 503);

                assertThat(notReady.body()).contains("DOWN", "delivery stopped: Amplitude refused the API key (400 Invalid API key)")
                        .doesNotContain("wrong-key-7f3e9a1b2c");
                assertThat(get(port, "/observe/health/live").statusCode()).as("alive all the same").isEqualTo(200);

                amplitudeFixed.set(true);
                store.set("cannot reach the database");
                assertThat(awaitReady(port, 503).body()).contains("state store: cannot reach the database");
                store.set(null);
                awaitReady(port, 200);
            } finally {
                main.completed();
                running.get(60, TimeUnit.SECONDS);
            }
        }
    }

    private static HttpResponse<String> awaitReady(int port, int status) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                HttpResponse<String> answer = get(port, "/observe/health/ready");
                if (answer.statusCode() == status) {
                    return answer;
                }
            } catch (IOException notListeningYet) {
                // the management server starts with the context
            }
            assertThat(System.nanoTime()).as("waiting for readiness to answer %d", status).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

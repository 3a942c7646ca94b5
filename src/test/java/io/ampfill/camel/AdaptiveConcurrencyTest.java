package io.ampfill.camel;

import io.ampfill.emulator.AmplitudeEmulator;
import io.ampfill.emulator.EmulatorSettings;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The amplitude component against an Amplitude 200 ms away (the emulator's latency, with jitter): with
 * maxConcurrentRequests at its default, adaptive, more requests than the old fixed 8 are in flight at once, within the
 * ceiling, and every event arrives once and in order per device.
 */
class AdaptiveConcurrencyTest extends CamelTestSupport {
    private static final String KEY = "test-key-0123456789";
    private AmplitudeEmulator emulator;

    @AfterEach
    void stopEmulator() {
        emulator.close();
    }

    private void startEmulatorAndRoute(String options) throws Exception {
        emulator = AmplitudeEmulator.start(new EmulatorSettings().expectedApiKey(KEY).threads(4)
                .latency(Duration.ofMillis(200)).latencyJitter(Duration.ofMillis(20)));
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                errorHandler(noErrorHandler());
                // 10 events per request, so that a few thousand events make hundreds of requests; no pacing
                from("direct:events").to("amplitude:batch?apiKey=RAW(" + KEY + ")&endpoint=" + emulator.batchUrl()
                        + "&deviceEps=0&maxEventsPerRequest=10" + options);
            }
        });
    }

    private static String device(int d) {
        return AmplitudeComponentTest.device(d);
    }

    /** Every device's events, in time order: event seq of every device, then seq + 1. */
    private static List<String> eventsInTimeOrder(int devices, int perDevice) {
        List<String> events = new ArrayList<>();
        for (int seq = 0; seq < perDevice; seq++) {
            for (int d = 0; d < devices; d++) {
                events.add("{\"event_type\":\"Played Song\",\"device_id\":\"" + device(d) + "\",\"time\":"
                        + (1_700_000_000_000L + seq) + ",\"event_properties\":{\"seq\":" + seq + "}}");
            }
        }
        return events;
    }

    private void assertDeliveredOnceInOrder(int devices, int perDevice) {
        AmplitudeComponentTest.assertDeliveredInOrder(emulator, devices, perDevice);
    }

    @Test
    void keeps_more_than_eight_requests_in_flight_against_a_far_amplitude_and_delivers_every_event_once_in_order() throws Exception {
        startEmulatorAndRoute("");
        template.sendBody("direct:events", eventsInTimeOrder(400, 10));

        assertDeliveredOnceInOrder(400, 10);
        assertThat(emulator.requestCount()).isEqualTo(400);
        assertThat(emulator.maxRequestsInFlight()).isGreaterThan(8).isLessThanOrEqualTo(128);
        assertThat(emulator.answerCounts()).containsOnlyKeys(200);
    }

    @Test
    void never_keeps_more_requests_in_flight_than_the_ceiling() throws Exception {
        startEmulatorAndRoute("&maxConcurrentRequestsCeiling=12");
        template.sendBody("direct:events", eventsInTimeOrder(60, 10));

        assertDeliveredOnceInOrder(60, 10);
        assertThat(emulator.maxRequestsInFlight()).isGreaterThan(8).isLessThanOrEqualTo(12);
    }
}

package io.ampfill.camel;

import io.ampfill.emulator.AmplitudeEmulator;
import io.ampfill.emulator.EmulatorSettings;
import io.ampfill.emulator.Fault;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.ResolveEndpointFailedException;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The amplitude component as a Camel user meets it: a CamelContext of the test's own, routes from direct: to
 * {@code amplitude:batch?...}, the project's emulator as Amplitude.
 */
class AmplitudeComponentTest extends CamelTestSupport {
    private static final String KEY = "test-key-0123456789";
    private static final String SILENCED = "silenced-device-01";
    private static AmplitudeEmulator emulator;

    @BeforeAll
    static void startEmulator() {
        emulator = AmplitudeEmulator.start(new EmulatorSettings().expectedApiKey(KEY).silencedDevices(SILENCED));
    }

    @AfterAll
    static void stopEmulator() {
        emulator.close();
    }

    @BeforeEach
    void forgetEarlierTests() {
        emulator.reset();
    }

    /**
     * A route from {@code direct:name} to amplitude:batch with these options, besides the key and the emulator's URL. Its
     * failed exchanges are the test's to look at: not logged.
     */
    private void route(String name, String options) throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                errorHandler(noErrorHandler());
                from("direct:" + name).to("amplitude:batch?apiKey=RAW(" + KEY + ")&endpoint=" + emulator.batchUrl() + options);
            }
        });
    }

    static String device(int d) {
        return String.format("device-%04d", d);
    }

    /** Device d's event number seq, as JSON text; its insert_id is derived from its content. */
    private static String event(int d, int seq) {
        return "{\"event_type\":\"Played Song\",\"device_id\":\"" + device(d) + "\",\"time\":" + (1_700_000_000_000L + seq)
                + ",\"event_properties\":{\"seq\":" + seq + "}}";
    }

    /** Every device got exactly its events 0..n-1, once each, in order. */
    private static void assertDeliveredInOrder(int devices, int perDevice) {
        assertDeliveredInOrder(emulator, devices, perDevice);
    }

    /** Every device of {@link #device} got exactly its events 0..n-1 (by event_properties.seq), once each, in order. */
    static void assertDeliveredInOrder(AmplitudeEmulator emulator, int devices, int perDevice) {
        assertThat(emulator.ingestedCount()).isEqualTo((long) devices * perDevice);
        assertThat(emulator.duplicateCount()).isZero();
        for (int d = 0; d < devices; d++) {
            List<Integer> seqs = emulator.ingestedEvents(device(d)).stream()
                    .map(e -> e.path("event_properties").path("seq").asInt()).toList();
            assertThat(seqs).as(device(d)).isEqualTo(java.util.stream.IntStream.range(0, perDevice).boxed().toList());
        }
    }

    /**
     * 500 devices, 100 events each, as single-event exchanges from 16 producers, each sending its devices' events in
     * order and keeping up to {@code inFlight} exchanges in flight (1: it waits for each, as a synchronous consumer does).
     * Returns the requests they took.
     */
    private long sendFromSixteenProducers(String uri, int inFlight) throws Exception {
        int devices = 500;
        int perDevice = 100;
        ExecutorService producers = Executors.newFixedThreadPool(16);
        // each asyncSend runs in its caller's thread up to the amplitude producer, which hands the event over and returns:
        // a producer's events reach the lanes in the order it sent them (a template's own threads would reorder them)
        template.setThreadedAsyncMode(false);
        long start = System.nanoTime();
        try {
            List<Future<List<Exchange>>> sent = new ArrayList<>();
            for (int p = 0; p < 16; p++) {
                int producer = p;
                sent.add(producers.submit(() -> {
                    Semaphore room = new Semaphore(inFlight);
                    List<CompletableFuture<Exchange>> exchanges = new ArrayList<>();
                    for (int seq = 0; seq < perDevice; seq++) {
                        for (int d = producer; d < devices; d += 16) {
                            room.acquire();
                            CompletableFuture<Exchange> done = template.asyncSend(uri, exchangeOf(event(d, seq)));
                            done.whenComplete((e, failure) -> room.release());
                            exchanges.add(done);
                        }
                    }
                    List<Exchange> completed = new ArrayList<>();
                    for (CompletableFuture<Exchange> e : exchanges) {
                        completed.add(e.get(60, TimeUnit.SECONDS));
                    }
                    return completed;
                }));
            }
            for (Future<List<Exchange>> producer : sent) {
                for (Exchange exchange : producer.get(120, TimeUnit.SECONDS)) {
                    assertThat(exchange.getException()).isNull();
                }
            }
        } finally {
            producers.shutdownNow();
        }
        long elapsed = System.nanoTime() - start;
        assertDeliveredInOrder(devices, perDevice);
        long requests = emulator.requestCount();
        System.out.printf("16 producers, up to %d exchanges in flight each: 50,000 events in %d requests, %.1f s, %.0f events/s%n",
                inFlight, requests, elapsed / 1e9, 50_000 / (elapsed / 1e9));
        return requests;
    }

    private Exchange exchangeOf(Object body) {
        Exchange exchange = context.getEndpoint("direct:events").createExchange();
        exchange.getMessage().setBody(body);
        return exchange;
    }

    @Test
    void fifty_thousand_single_event_exchanges_from_sixteen_waiting_producers_arrive_once_in_order_many_to_a_request() throws Exception {
        route("events", "&deviceEps=0");

        long requests = sendFromSixteenProducers("direct:events", 1);

        // at least 8 events a request on average: a request's sender frees its slot only once the exchanges it
        // completed have let their producers send again, so those events go out together (6,300-7,200 requests else)
        assertThat(requests).as("requests").isLessThan(50_000 / 8);
    }

    @Test
    void fifty_thousand_single_event_exchanges_from_sixteen_producers_with_many_in_flight_arrive_once_in_order() throws Exception {
        route("events", "&deviceEps=0");

        long requests = sendFromSixteenProducers("direct:events", 500);

        assertThat(requests).as("requests").isLessThan(50_000 / 100);
    }

    @Test
    void an_exchange_completes_only_once_amplitude_has_answered_for_its_events() throws Exception {
        route("events", "");
        emulator.script(Fault.slow(Duration.ofMillis(500)));

        long start = System.nanoTime();
        Exchange answered = template.send("direct:events", exchangeOf(event(1, 0)));

        assertThat(answered.getException()).isNull();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(500));
        assertThat(emulator.ingestedCount()).isEqualTo(1);
    }

    @Test
    void a_refused_event_fails_only_its_own_exchange_and_reaches_the_dead_letter_channel_with_the_reason() throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                errorHandler(deadLetterChannel("mock:refused"));
                from("direct:events").to("amplitude:batch?apiKey=RAW(" + KEY + ")&endpoint=" + emulator.batchUrl() + "&deviceEps=0");
            }
        });
        MockEndpoint refused = getMockEndpoint("mock:refused");
        refused.expectedMessageCount(2);
        String placeholderDevice = "{\"event_type\":\"Played Song\",\"device_id\":\"null\",\"time\":1700000000000}";
        String silenced = "{\"event_type\":\"Played Song\",\"device_id\":\"" + SILENCED + "\",\"time\":1700000000000}";

        List<CompletableFuture<Exchange>> sent = new ArrayList<>();
        for (Object body : List.of(event(1, 0), placeholderDevice, event(2, 0), silenced, Map.of("event_type", "Played Song",
                "device_id", device(3), "time", 1_700_000_000_000L, "event_properties", Map.of("seq", 0)))) {
            sent.add(template.asyncSend("direct:events", exchangeOf(body)));
        }
        for (CompletableFuture<Exchange> exchange : sent) {
            exchange.get(10, TimeUnit.SECONDS);
        }

        refused.assertIsSatisfied();
        List<String> reasons = refused.getExchanges().stream()
                .map(e -> e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class))
                .map(e -> e.getClass().getSimpleName() + ": " + e.getMessage()).sorted().toList();
        assertThat(reasons).containsExactly(
                "AmplitudeRefusedException: Amplitude refused the event: Amplitude refused the event (400 event silenced, device silenced)",
                "AmplitudeRefusedException: Amplitude refused the event: device_id \"null\" is a placeholder Amplitude refuses");
        assertThat(emulator.ingestedEvents(device(1))).hasSize(1);
        assertThat(emulator.ingestedEvents(device(2))).hasSize(1);
        assertThat(emulator.ingestedEvents(device(3))).hasSize(1);
    }

    @Test
    void a_list_body_fails_naming_each_refused_event_by_its_index_and_why() throws Exception {
        route("events", "&deviceEps=0");
        String placeholderDevice = "{\"event_type\":\"Played Song\",\"device_id\":\"null\",\"time\":1700000000000}";

        Exchange done = template.send("direct:events", exchangeOf(List.of(event(1, 0), placeholderDevice, event(1, 1), "{not json")));

        assertThat(done.getException()).isInstanceOf(AmplitudeRefusedException.class).hasMessage("Amplitude refused 2 of the 4"
                + " events: event 1: device_id \"null\" is a placeholder Amplitude refuses; event 3: not valid JSON: unexpected 'n':"
                + " expected a field name in double quotes");
        assertThat(((AmplitudeRefusedException) done.getException()).refused())
                .extracting(AmplitudeRefusedException.RefusedEvent::index).containsExactly(1, 3);
        assertThat(emulator.ingestedEvents(device(1))).extracting(e -> e.path("event_properties").path("seq").asInt())
                .containsExactly(0, 1);
    }

    @Test
    void a_wrong_api_key_fails_every_exchange_with_one_clear_exception_and_sends_no_more() throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                errorHandler(noErrorHandler());
                // one request on the wire at a time: none started before the fatal answer can reach the emulator after it
                from("direct:events").to("amplitude:batch?apiKey=RAW(wrong-key-7f3e9a1b2c)&endpoint=" + emulator.batchUrl()
                        + "&deviceEps=0&maxConcurrentRequests=1");
            }
        });
        List<CompletableFuture<Exchange>> sent = new ArrayList<>();
        for (int d = 0; d < 20; d++) {
            sent.add(template.asyncSend("direct:events", exchangeOf(event(d, 0))));
        }
        List<Exception> failures = new ArrayList<>();
        for (CompletableFuture<Exchange> exchange : sent) {
            failures.add(exchange.get(10, TimeUnit.SECONDS).getException());
        }
        long requests = emulator.requestCount();

        assertThatThrownBy(() -> template.sendBody("direct:events", event(21, 0)))
                .isInstanceOf(CamelExecutionException.class).cause().isInstanceOf(AmplitudeDeliveryStoppedException.class);
        assertThat(failures).allSatisfy(e -> assertThat(e).isInstanceOf(AmplitudeDeliveryStoppedException.class)
                .hasMessage("Amplitude delivery stopped: Amplitude refused the API key (400 Invalid API key): check amplitude.api-key"));
        assertThat(emulator.requestCount()).as("requests after the stop").isEqualTo(requests);
        assertThat(emulator.ingestedCount()).isZero();
    }

    /**
     * With a workerPool, the route's own steps after amplitude:batch run there: an exchange whose next step blocks holds
     * up neither the only sender (maxConcurrentRequests=1) nor the exchanges sent after it. Without one, this test waits
     * in vain for the later exchanges: the sender is the thread that blocks.
     */
    @Test
    void with_a_worker_pool_a_step_after_amplitude_that_blocks_holds_up_only_its_own_exchange() throws Exception {
        CountDownLatch blocking = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<String> blockedThread = new AtomicReference<>();
        context.getRegistry().bind("amplitudeWorkers", context.getExecutorServiceManager().newDefaultThreadPool(this, "AmplitudeWorker"));
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                errorHandler(noErrorHandler());
                from("direct:events").to("amplitude:batch?apiKey=RAW(" + KEY + ")&endpoint=" + emulator.batchUrl()
                                + "&deviceEps=0&maxConcurrentRequests=1&workerPool=#amplitudeWorkers")
                        .filter(header("slow")).process(e -> {
                            blockedThread.set(Thread.currentThread().getName());
                            blocking.countDown();
                            release.await();
                        });
            }
        });
        Exchange slowOne = exchangeOf(event(0, 0));
        slowOne.getMessage().setHeader("slow", true);
        CompletableFuture<Exchange> slow = template.asyncSend("direct:events", slowOne);
        assertThat(blocking.await(10, TimeUnit.SECONDS)).as("the slow step started").isTrue();

        try {
            List<CompletableFuture<Exchange>> later = new ArrayList<>();
            for (int d = 1; d <= 20; d++) {
                later.add(template.asyncSend("direct:events", exchangeOf(event(d, 0))));
            }
            for (CompletableFuture<Exchange> exchange : later) {
                assertThat(exchange.get(10, TimeUnit.SECONDS).getException()).isNull();
            }
            assertThat(emulator.ingestedCount()).isEqualTo(21);
            assertThat(blockedThread.get()).contains("AmplitudeWorker");
        } finally {
            release.countDown();
        }
        assertThat(slow.get(10, TimeUnit.SECONDS).getException()).isNull();
    }

    @Test
    void an_unknown_option_is_refused_when_the_endpoint_is_resolved() {
        assertThatThrownBy(() -> context.getEndpoint("amplitude:batch?apiKey=RAW(" + KEY + ")&devicEps=0"))
                .isInstanceOf(ResolveEndpointFailedException.class).hasMessageContaining("devicEps");
    }
}

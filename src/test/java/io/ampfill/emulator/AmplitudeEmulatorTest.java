package io.ampfill.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

class AmplitudeEmulatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    private static final String API_KEY = "test-api-key";
    private static final long SOME_TIME = 1_700_000_000_000L;

    private AmplitudeEmulator emulator;

    @AfterEach
    void stopEmulator() {
        if (emulator != null) {
            emulator.close();
        }
    }

    private AmplitudeEmulator start(EmulatorSettings settings) {
        emulator = AmplitudeEmulator.start(settings.threads(4));
        return emulator;
    }

    private AmplitudeEmulator start() {
        return start(new EmulatorSettings());
    }

    // ---- happy path ----

    @Test
    void answers_200_and_keeps_each_devices_events_in_arrival_order() throws Exception {
        start();
        String body = batch(event("device-one", "a1"), event("device-two", "b1"), event("device-one", "a2"),
                userEvent("user-number-one", "c1"));

        HttpResponse<String> first = post(body);
        HttpResponse<String> second = post(batch(event("device-one", "a3")));

        assertThat(first.statusCode()).isEqualTo(200);
        JsonNode answer = json(first);
        assertThat(answer.path("code").asInt()).isEqualTo(200);
        assertThat(answer.path("events_ingested").asInt()).isEqualTo(4);
        assertThat(answer.path("payload_size_bytes").asInt()).isEqualTo(body.getBytes(StandardCharsets.UTF_8).length);
        assertThat(answer.path("server_upload_time").asLong()).isPositive();
        assertThat(first.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(second.statusCode()).isEqualTo(200);

        assertThat(emulator.ingestedCount()).isEqualTo(5);
        assertThat(emulator.ingestedInsertIdsByDevice()).containsExactly(
                entry("device-one", List.of("a1", "a2", "a3")),
                entry("device-two", List.of("b1")),
                entry("user:user-number-one", List.of("c1")));
        assertThat(emulator.ingestedEvents("device-one"))
                .extracting(event -> event.path("insert_id").asText())
                .containsExactly("a1", "a2", "a3");
        assertThat(emulator.requestCount()).isEqualTo(2);
        assertThat(emulator.answerCounts()).containsExactly(entry(200, 2L));
        assertThat(emulator.batchUrl()).isEqualTo("http://127.0.0.1:" + emulator.port() + "/batch");
    }

    @Test
    void hands_out_copies_of_ingested_events_so_callers_cannot_change_the_record() throws Exception {
        start();
        post(batch(event("device-one", "a1")));

        emulator.ingestedEvents("device-one").get(0).put("insert_id", "changed");

        assertThat(emulator.ingestedEvents("device-one").get(0).path("insert_id").asText()).isEqualTo("a1");
        assertThat(emulator.ingestedEvents("no-such-device")).isEmpty();
    }

    @Test
    void drops_an_event_whose_insert_id_was_already_ingested_for_its_device() throws Exception {
        start();
        post(batch(event("device-one", "same"), event("device-one", "same"), event("device-one", null)));
        HttpResponse<String> resent = post(batch(event("device-one", "same"), event("device-two", "same")));

        assertThat(resent.statusCode()).isEqualTo(200);
        assertThat(emulator.duplicateCount()).isEqualTo(2);
        assertThat(emulator.ingestedCount()).isEqualTo(3);
        assertThat(emulator.ingestedInsertIdsByDevice()).containsExactly(
                entry("device-one", List.of("same")),
                entry("device-two", List.of("same")));
        assertThat(emulator.ingestedEvents("device-one")).hasSize(2);
    }

    @Test
    void counts_the_duplicates_that_arrive_behind_a_newer_event_of_their_device() throws Exception {
        start();
        post(batch(event("device-one", "a"), event("device-two", "x")));
        post(batch(event("device-one", "a"), event("device-one", "b"), event("device-two", "x")));
        post(batch(event("device-one", "a"), event("device-one", "b")));

        // the second "a" came while "a" was still device-one's newest; the third came after "b"
        assertThat(emulator.duplicateCount()).isEqualTo(4);
        assertThat(emulator.duplicatesBehindNewerCount()).isEqualTo(1);
    }

    @Test
    void counts_without_keeping_events_when_told_not_to_keep_them() throws Exception {
        start(new EmulatorSettings().keepEvents(false));

        post(batch(event("device-one", "same"), event("device-one", "same")));

        assertThat(emulator.ingestedCount()).isEqualTo(2);
        assertThat(emulator.duplicateCount()).isZero();
        assertThat(emulator.ingestedInsertIdsByDevice()).isEmpty();
        assertThat(emulator.ingestedEvents("device-one")).isEmpty();
    }

    @Test
    void keeps_every_devices_order_under_concurrent_requests() throws Exception {
        start(new EmulatorSettings().threads(8));
        int devices = 8;
        int requestsPerDevice = 15;
        int eventsPerRequest = 10;
        ExecutorService senders = Executors.newFixedThreadPool(devices);
        try {
            List<Future<?>> sent = new ArrayList<>();
            for (int d = 0; d < devices; d++) {
                String deviceId = "device-" + d;
                sent.add(senders.submit(() -> {
                    for (int r = 0; r < requestsPerDevice; r++) {
                        List<String> events = new ArrayList<>();
                        for (int e = 0; e < eventsPerRequest; e++) {
                            events.add(event(deviceId, deviceId + "-" + (r * eventsPerRequest + e)));
                        }
                        assertThat(post(batch(events.toArray(String[]::new))).statusCode()).isEqualTo(200);
                    }
                    return null;
                }));
            }
            for (Future<?> f : sent) {
                f.get();
            }
        } finally {
            senders.shutdownNow();
        }

        assertThat(emulator.ingestedCount()).isEqualTo((long) devices * requestsPerDevice * eventsPerRequest);
        Map<String, List<String>> byDevice = emulator.ingestedInsertIdsByDevice();
        for (int d = 0; d < devices; d++) {
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < requestsPerDevice * eventsPerRequest; i++) {
                expected.add("device-" + d + "-" + i);
            }
            assertThat(byDevice.get("device-" + d)).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void answers_after_its_latency_holding_more_requests_at_once_than_it_has_threads() throws Exception {
        // 4 server threads; 24 requests at once: a server that slept on its threads would hold 4 at a time
        start(new EmulatorSettings().threads(4).latency(Duration.ofMillis(1500)));
        List<HttpResponse<String>> answers = postAtOnce(24);

        assertThat(answers).extracting(HttpResponse::statusCode).containsOnly(200);
        assertThat(emulator.ingestedCount()).isEqualTo(24);
        assertThat(emulator.maxRequestsInFlight()).isEqualTo(24);
        // every request was held its latency: 24 requests x at least 1.5 s
        assertThat(emulator.requestSecondsInFlight()).isGreaterThanOrEqualTo(24 * 1.5);
    }

    @Test
    void answers_overload_beyond_its_capacity_and_slows_down_past_its_knee() throws Exception {
        start(new EmulatorSettings().threads(4).latency(Duration.ofMillis(1500)).capacity(2, 4));
        List<HttpResponse<String>> answers = postAtOnce(6);

        assertThat(answers).extracting(HttpResponse::statusCode).containsOnly(200, 503);
        assertThat(emulator.answerCounts()).containsExactly(entry(200, 4L), entry(503, 2L));
        assertThat(emulator.ingestedCount()).isEqualTo(4);
        // two held 1.5 s, the third and fourth 1.5 * 3/2 and 1.5 * 4/2 s (past the knee), the refused ones 1.5 s each
        assertThat(emulator.requestSecondsInFlight()).isGreaterThanOrEqualTo(1.5 + 1.5 + 2.25 + 3 + 1.5 + 1.5);
    }

    @Test
    void reports_the_requests_held_at_once_and_the_answers_by_status_at_get_stats_and_forgets_them_on_reset() throws Exception {
        start(new EmulatorSettings().latency(Duration.ofMillis(10)));
        emulator.script(Fault.status(503));
        post(batch(event("device-one", "a1")));
        post(batch(event("device-one", "a1")));

        JsonNode stats = getJson("/stats?reset=true");
        assertThat(stats.path("in_flight_max").asInt()).isEqualTo(1);
        assertThat(stats.path("in_flight_request_seconds").asDouble()).isGreaterThanOrEqualTo(0.02);
        assertThat(stats.path("answers").path("503").asLong()).isEqualTo(1);
        assertThat(stats.path("answers").path("200").asLong()).isEqualTo(1);
        JsonNode after = getJson("/stats");
        assertThat(after.path("requests").asLong()).isZero();
        assertThat(after.path("in_flight_max").asInt()).isZero();
        assertThat(after.path("answers").size()).isZero();
    }

    /** Posts this many one-event requests of different devices at once, each on a thread of its own. */
    private List<HttpResponse<String>> postAtOnce(int requests) throws Exception {
        ExecutorService senders = Executors.newFixedThreadPool(requests);
        try {
            List<Future<HttpResponse<String>>> sent = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                String body = batch(event("device-" + (10 + i), "e" + i));
                sent.add(senders.submit(() -> post(body)));
            }
            List<HttpResponse<String>> answers = new ArrayList<>();
            for (Future<HttpResponse<String>> f : sent) {
                answers.add(f.get());
            }
            return answers;
        } finally {
            senders.shutdownNow();
        }
    }

    @Test
    void answers_without_the_delayed_ack_stall_on_a_kept_alive_connection() throws Exception {
        start();
        post(batch(event("device-one", "warm-up")));

        long started = System.nanoTime();
        for (int i = 0; i < 100; i++) {
            post(batch(event("device-one", "n" + i)));
        }
        long tookMillis = (System.nanoTime() - started) / 1_000_000;

        // with Nagle on, every answer waits ~40 ms for the client's delayed ACK: 100 requests would take 4 s
        assertThat(tookMillis).isLessThan(2_000);
    }

    // ---- malformed requests ----

    @Test
    void answers_400_listing_exactly_the_invalid_event_indexes_per_field() throws Exception {
        start();
        String body = batch(
                event("device-zero", "e0"),                                                              // 0 valid
                "{\"device_id\":\"device-one\",\"time\":" + SOME_TIME + "}",                              // 1 no event_type
                "{\"event_type\":\"open\",\"device_id\":\"abc\"}",                                        // 2 short id
                "{\"event_type\":\"open\",\"device_id\":\"device-three\",\"user_id\":\"Anonymous\"}",     // 3 placeholder
                "{\"event_type\":\"open\",\"device_id\":\"device-four\",\"time\":\"yesterday\"}",          // 4 time not a number
                "{\"event_type\":\"open\",\"device_id\":\"device-five\",\"event_properties\":\"x\"}",      // 5 not an object
                "{\"event_type\":\"open\",\"device_id\":\"device-six\",\"time\":1.7E12}",                  // 6 time not integral
                "{\"event_type\":\"open\",\"time\":" + SOME_TIME + "}",                                   // 7 no id at all
                "{\"event_type\":\"open\",\"device_id\":\"00000000-0000-0000-0000-000000000000\"}",       // 8 all-zero uuid
                "{\"event_type\":\"\",\"device_id\":\"device-nine\"}",                                    // 9 empty event_type
                "{\"event_type\":\"open\",\"device_id\":\"device-ten\",\"user_properties\":[]}",           // 10 not an object
                "{\"event_type\":\"open\",\"device_id\":\"device-eleven\",\"insert_id\":11}",              // 11 not a string
                "{\"event_type\":\"open\",\"user_id\":\"nil\"}");                                          // 12 placeholder, short too

        HttpResponse<String> response = post(body);

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode answer = json(response);
        assertThat(answer.path("code").asInt()).isEqualTo(400);
        assertThat(answer.path("missing_field").asText()).isEqualTo("event_type");
        assertThat(indexesByField(answer.path("events_with_invalid_fields"))).containsOnly(
                entry("user_id", List.of(3, 12)),
                entry("time", List.of(4, 6)),
                entry("event_properties", List.of(5)),
                entry("device_id", List.of(8)),
                entry("user_properties", List.of(10)),
                entry("insert_id", List.of(11)));
        assertThat(indexesByField(answer.path("events_with_missing_fields"))).containsOnly(
                entry("event_type", List.of(1, 9)),
                entry("device_id", List.of(7)));
        assertThat(indexesByField(answer.path("events_with_invalid_id_lengths"))).containsOnly(
                entry("device_id", List.of(2)));
        assertThat(emulator.ingestedCount()).isZero();
    }

    @Test
    void lists_only_the_problem_kinds_present_in_a_400() throws Exception {
        start();

        JsonNode answer = json(post(batch(event("device-zero", "e0"), "{\"event_type\":\"open\",\"device_id\":\"abcd\"}")));

        assertThat(answer.path("events_with_invalid_id_lengths").path("device_id")).hasSize(1);
        assertThat(answer.has("events_with_invalid_fields")).isFalse();
        assertThat(answer.has("events_with_missing_fields")).isFalse();
        assertThat(answer.has("missing_field")).isFalse();
    }

    @Test
    void honours_the_min_id_length_option() throws Exception {
        start();
        String body = "{\"api_key\":\"" + API_KEY + "\",\"options\":{\"min_id_length\":3},"
                + "\"events\":[{\"event_type\":\"open\",\"device_id\":\"abc\"}]}";

        assertThat(post(body).statusCode()).isEqualTo(200);
        assertThat(emulator.ingestedCount()).isEqualTo(1);
    }

    @Test
    void answers_400_when_the_body_is_not_a_json_object_with_an_events_array() throws Exception {
        start();
        String invalidBody = "{\"code\":400,\"error\":\"Invalid request body\"}";

        for (String body : List.of("not json", "[1,2]", "{\"api_key\":\"" + API_KEY + "\"}",
                "{\"api_key\":\"" + API_KEY + "\",\"events\":{}}", "")) {
            HttpResponse<String> response = post(body);
            assertThat(response.statusCode()).as(body).isEqualTo(400);
            assertThat(response.body()).isEqualTo(invalidBody);
        }
    }

    @Test
    void answers_400_when_the_content_type_is_not_json() throws Exception {
        start();

        HttpResponse<String> response = post(batch(event("device-one", "a1")), "text/plain");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).path("error").asText()).isEqualTo("Invalid request body");
        assertThat(post(batch(event("device-one", "a1")), "application/json; charset=utf-8").statusCode()).isEqualTo(200);
    }

    @Test
    void answers_fatal_400_when_the_api_key_is_missing() throws Exception {
        start();

        HttpResponse<String> response = post("{\"events\":[" + event("device-one", "a1") + "]}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).isEqualTo("{\"code\":400,\"error\":\"Missing api_key\",\"missing_field\":\"api_key\"}");
        assertThat(post("{\"api_key\":\"\",\"events\":[]}").statusCode()).isEqualTo(400);
    }

    @Test
    void answers_fatal_400_echoing_the_key_when_it_is_not_the_expected_one() throws Exception {
        start(new EmulatorSettings().expectedApiKey("the-right-key"));

        HttpResponse<String> wrong = post(batchWithKey("the-wrong-key-123", event("device-one", "a1")));
        HttpResponse<String> right = post(batchWithKey("the-right-key", event("device-one", "a1")));

        assertThat(wrong.statusCode()).isEqualTo(400);
        JsonNode answer = json(wrong);
        assertThat(answer.path("error").asText()).isEqualTo("Invalid API key: the-wrong-key-123");
        assertThat(answer.has("events_with_invalid_fields")).isFalse();
        assertThat(answer.has("events_with_missing_fields")).isFalse();
        assertThat(right.statusCode()).isEqualTo(200);
        assertThat(emulator.ingestedCount()).isEqualTo(1);
    }

    @Test
    void answers_413_when_a_request_holds_more_than_2000_events() throws Exception {
        start();

        HttpResponse<String> tooMany = post(batch(events("device-one", 2001)));
        HttpResponse<String> atTheLimit = post(batch(events("device-one", 2000)));

        assertThat(tooMany.statusCode()).isEqualTo(413);
        assertThat(tooMany.body()).isEqualTo("{\"code\":413,\"error\":\"Payload too large\"}");
        assertThat(atTheLimit.statusCode()).isEqualTo(200);
        assertThat(emulator.ingestedCount()).isEqualTo(2000);
    }

    @Test
    void answers_413_when_the_body_is_over_the_byte_limit_whether_its_length_is_declared_or_chunked() throws Exception {
        start(new EmulatorSettings().maxBodyBytes(2_000));
        String big = batch(events("device-one", 30));
        String small = batch(events("device-one", 3));
        assertThat(big.length()).isGreaterThan(2_000);

        HttpResponse<String> declared = post(big);
        HttpResponse<String> chunked = CLIENT.send(HttpRequest.newBuilder(URI.create(emulator.batchUrl()))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8))))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> smallChunked = CLIENT.send(HttpRequest.newBuilder(URI.create(emulator.batchUrl()))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(small.getBytes(StandardCharsets.UTF_8))))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(declared.statusCode()).isEqualTo(413);
        assertThat(chunked.statusCode()).isEqualTo(413);
        assertThat(smallChunked.statusCode()).isEqualTo(200);
        assertThat(emulator.ingestedCount()).isEqualTo(3);
    }

    @Test
    void answers_404_to_anything_but_a_post_to_batch() throws Exception {
        start();

        HttpResponse<String> get = CLIENT.send(HttpRequest.newBuilder(URI.create(emulator.batchUrl())).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> otherPath = CLIENT.send(HttpRequest.newBuilder(URI.create(emulator.batchUrl() + "/more"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(batch(event("device-one", "a1")))).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(get.statusCode()).isEqualTo(404);
        assertThat(otherPath.statusCode()).isEqualTo(404);
        assertThat(emulator.requestCount()).isZero();
        assertThat(emulator.ingestedCount()).isZero();
    }

    // ---- stats ----

    @Test
    void reports_what_it_ingested_and_one_devices_count_at_get_stats() throws Exception {
        start(new EmulatorSettings().keepEvents(false).deviceEps(1000));
        post(batch(event("device-one", "a1"), event("device-two", "b1"), event("device-one", "a2")));
        post(batch(event("device-one", "a3")));

        JsonNode stats = getJson("/stats?device=device-one");
        JsonNode other = getJson("/stats?device=device-three");

        assertThat(stats.path("ingested").asLong()).isEqualTo(4);
        assertThat(stats.path("requests").asLong()).isEqualTo(2);
        assertThat(stats.path("device").asText()).isEqualTo("device-one");
        assertThat(stats.path("device_ingested").asLong()).isEqualTo(3);
        assertThat(other.path("device_ingested").isNumber()).isTrue();
        assertThat(other.path("device_ingested").asLong()).isZero();
        assertThat(emulator.requestCount()).as("a stats request is not a /batch request").isEqualTo(2);
    }

    @Test
    void counts_a_device_without_its_duplicates_when_it_keeps_events() throws Exception {
        start();
        post(batch(event("device-one", "a1"), event("device-one", "a1"), event("device-one", "a2")));

        JsonNode stats = getJson("/stats?device=device-one");

        assertThat(stats.path("ingested").asLong()).isEqualTo(2);
        assertThat(stats.path("duplicates").asLong()).isEqualTo(1);
        assertThat(stats.path("device_ingested").asLong()).isEqualTo(2);
    }

    @Test
    void keeps_no_per_device_count_on_the_lock_free_path() throws Exception {
        start(new EmulatorSettings().keepEvents(false));
        post(batch(event("device-one", "a1")));

        JsonNode withDevice = getJson("/stats?device=device-one");
        JsonNode plain = getJson("/stats");

        assertThat(withDevice.path("ingested").asLong()).isEqualTo(1);
        assertThat(withDevice.has("device_ingested")).isTrue();
        assertThat(withDevice.path("device_ingested").isNull()).isTrue();
        assertThat(plain.has("device")).isFalse();
        assertThat(emulator.ingestedCount("device-one")).isEmpty();
    }

    // ---- rate buckets and quotas ----

    @Test
    void answers_429_when_a_device_exceeds_its_bucket_and_accepts_it_again_after_waiting() throws Exception {
        start(new EmulatorSettings().deviceEps(20));
        assertThat(post(batch(events("device-one", 20))).statusCode()).isEqualTo(200);

        List<String> mixed = new ArrayList<>(List.of(events("device-two", 5)));
        mixed.addAll(List.of(events("device-one", 20, 5)));
        HttpResponse<String> throttled = post(batch(mixed.toArray(String[]::new)));

        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(throttled.headers().firstValue("Retry-After")).isEmpty();
        JsonNode answer = json(throttled);
        assertThat(answer.path("error").asText()).isEqualTo("Too many requests for some devices and users");
        assertThat(answer.path("eps_threshold").asDouble()).isEqualTo(20.0);
        assertThat(fieldNames(answer.path("throttled_devices"))).containsExactly("device-one");
        assertThat(answer.path("throttled_devices").path("device-one").asDouble()).isGreaterThan(20.0);
        assertThat(answer.path("throttled_users").isObject()).isTrue();
        assertThat(ints(answer.path("throttled_events"))).containsExactly(5, 6, 7, 8, 9);
        assertThat(emulator.ingestedCount()).isEqualTo(20);

        Thread.sleep(300); // 20 eps refills the 5 tokens device-one needs in 250 ms
        assertThat(post(batch(events("device-one", 20, 5))).statusCode()).isEqualTo(200);
        assertThat(emulator.ingestedCount()).isEqualTo(25);
    }

    @Test
    void answers_429_naming_users_that_exceed_their_bucket() throws Exception {
        start(new EmulatorSettings().userEps(10));
        String[] tooMany = new String[11];
        for (int i = 0; i < tooMany.length; i++) {
            tooMany[i] = userEvent("user-number-one", "u" + i);
        }
        assertThat(post(batch(userEvent("user-number-one", "first"))).statusCode()).isEqualTo(200);

        JsonNode answer = json(post(batch(tooMany)));

        assertThat(answer.path("code").asInt()).isEqualTo(429);
        assertThat(answer.path("eps_threshold").asDouble()).isEqualTo(10.0);
        assertThat(fieldNames(answer.path("throttled_users"))).containsExactly("user-number-one");
        assertThat(answer.path("throttled_events")).hasSize(11);
    }

    @Test
    void admits_a_request_larger_than_the_bucket_when_the_bucket_is_full_then_throttles_the_debt() throws Exception {
        start(new EmulatorSettings().deviceEps(10));

        assertThat(post(batch(events("device-one", 50))).statusCode()).isEqualTo(200);
        assertThat(post(batch(event("device-one", "one-more"))).statusCode()).isEqualTo(429);
    }

    @Test
    void refuses_every_request_larger_than_a_full_bucket_when_its_buckets_are_strict() throws Exception {
        start(new EmulatorSettings().deviceEps(10).strictBuckets(true));

        assertThat(post(batch(events("device-one", 11))).statusCode()).isEqualTo(429);
        assertThat(post(batch(events("device-one", 11))).statusCode()).isEqualTo(429);
        assertThat(post(batch(events("device-one", 10))).statusCode()).isEqualTo(200);
    }

    @Test
    void sends_retry_after_on_429_when_configured() throws Exception {
        start(new EmulatorSettings().retryAfterHeader(true));
        emulator.script(Fault.throttle());

        HttpResponse<String> response = post(batch(event("device-one", "a1")));

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
    }

    @Test
    void answers_429_when_a_device_is_over_its_daily_quota_and_accepts_it_once_the_window_moves_on() throws Exception {
        Duration window = Duration.ofMillis(1200);
        start(new EmulatorSettings().dailyQuota(10).quotaWindow(window));
        assertThat(post(batch(events("device-one", 10))).statusCode()).isEqualTo(200);

        HttpResponse<String> overQuota = post(batch(event("device-one", "eleventh")));
        HttpResponse<String> otherDevice = post(batch(event("device-two", "first")));

        assertThat(overQuota.statusCode()).isEqualTo(429);
        JsonNode answer = json(overQuota);
        assertThat(answer.path("exceeded_daily_quota_devices").path("device-one").asLong()).isEqualTo(10);
        assertThat(answer.path("exceeded_daily_quota_users").isObject()).isTrue();
        assertThat(answer.has("throttled_devices")).isFalse();
        assertThat(ints(answer.path("throttled_events"))).containsExactly(0);
        assertThat(otherDevice.statusCode()).isEqualTo(200);

        Thread.sleep(window.toMillis() + window.toMillis() / 12); // the window plus two of its 24 steps
        assertThat(post(batch(event("device-one", "eleventh"))).statusCode()).isEqualTo(200);
        assertThat(emulator.ingestedInsertIdsByDevice().get("device-one")).hasSize(11);
    }

    @Test
    void counts_the_daily_quota_per_user_too() throws Exception {
        start(new EmulatorSettings().dailyQuota(2));
        post(batch(userEvent("user-number-one", "a"), userEvent("user-number-one", "b")));

        JsonNode answer = json(post(batch(userEvent("user-number-one", "c"))));

        assertThat(answer.path("code").asInt()).isEqualTo(429);
        assertThat(answer.path("exceeded_daily_quota_users").path("user-number-one").asLong()).isEqualTo(2);
    }

    @Test
    void forgets_ingested_events_counts_buckets_and_quotas_on_reset() throws Exception {
        start(new EmulatorSettings().deviceEps(5).dailyQuota(5));
        post(batch(events("device-one", 5)));
        assertThat(post(batch(event("device-one", "x"))).statusCode()).isEqualTo(429);

        emulator.reset();

        assertThat(emulator.ingestedCount()).isZero();
        assertThat(emulator.requestCount()).isZero();
        assertThat(emulator.answerCounts()).isEmpty();
        assertThat(emulator.ingestedInsertIdsByDevice()).isEmpty();
        assertThat(post(batch(events("device-one", 5))).statusCode()).isEqualTo(200);
    }

    // ---- scripted faults ----

    @Test
    void answers_scripted_statuses_in_order_without_ingesting_then_behaves_normally() throws Exception {
        start();
        emulator.script(Fault.status(503), Fault.status(500), Fault.status(403));

        HttpResponse<String> first = post(batch(event("device-one", "a1")));
        HttpResponse<String> second = post(batch(event("device-one", "a1")));
        HttpResponse<String> third = post(batch(event("device-one", "a1")));
        HttpResponse<String> fourth = post(batch(event("device-one", "a1")));

        assertThat(first.statusCode()).isEqualTo(503);
        assertThat(json(first).path("code").asInt()).isEqualTo(503);
        assertThat(second.statusCode()).isEqualTo(500);
        assertThat(third.statusCode()).isEqualTo(403);
        assertThat(json(third).path("error").asText()).isEqualTo("Forbidden");
        assertThat(fourth.statusCode()).isEqualTo(200);
        assertThat(emulator.ingestedCount()).isEqualTo(1);
        assertThat(emulator.answerCounts()).containsOnly(entry(503, 1L), entry(500, 1L), entry(403, 1L), entry(200, 1L));
    }

    @Test
    void answers_200_with_an_html_page_or_a_json_code_that_is_not_200_without_ingesting() throws Exception {
        start();
        emulator.script(Fault.htmlPage(), Fault.jsonCode(500));

        HttpResponse<String> page = post(batch(event("device-one", "a1")));
        HttpResponse<String> code = post(batch(event("device-one", "a1")));
        HttpResponse<String> amplitude = post(batch(event("device-one", "a1")));

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
        assertThat(page.body()).startsWith("<!DOCTYPE html>");
        assertThat(code.statusCode()).isEqualTo(200);
        assertThat(json(code).path("code").asInt()).isEqualTo(500);
        assertThat(json(amplitude).path("code").asInt()).isEqualTo(200);
        assertThat(emulator.ingestedCount()).isEqualTo(1);
    }

    @Test
    void drops_the_connection_without_an_answer_on_a_scripted_reset() throws Exception {
        start();
        emulator.script(Fault.reset());

        assertThatThrownBy(() -> post(batch(event("device-one", "a1")))).isInstanceOf(IOException.class);
        HttpResponse<String> next = post(batch(event("device-one", "a1")));

        assertThat(next.statusCode()).isEqualTo(200);
        assertThat(emulator.ingestedCount()).isEqualTo(1);
        assertThat(emulator.answerCounts()).containsOnly(entry(0, 1L), entry(200, 1L));
    }

    @Test
    void waits_then_answers_normally_on_a_scripted_slow_answer() throws Exception {
        start();
        emulator.script(Fault.slow(Duration.ofMillis(300)));

        long started = System.nanoTime();
        HttpResponse<String> response = post(batch(event("device-one", "a1")));
        long tookMillis = (System.nanoTime() - started) / 1_000_000;

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(tookMillis).isGreaterThanOrEqualTo(300);
        assertThat(emulator.ingestedCount()).isEqualTo(1);
    }

    @Test
    void lets_a_client_time_out_on_a_slow_answer_and_still_ingests() throws Exception {
        start();
        emulator.script(Fault.slow(Duration.ofMillis(400)));

        assertThatThrownBy(() -> CLIENT.send(request(batch(event("device-one", "a1")), "application/json")
                .timeout(Duration.ofMillis(100)).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);

        Thread.sleep(600);
        assertThat(emulator.ingestedCount()).isEqualTo(1);
    }

    @Test
    void ingests_then_answers_500_on_a_scripted_ingest_then_500_so_a_resend_is_deduplicated() throws Exception {
        start();
        emulator.script(Fault.ingestThen500());

        HttpResponse<String> failed = post(batch(event("device-one", "a1"), event("device-one", "a2")));
        HttpResponse<String> resent = post(batch(event("device-one", "a1"), event("device-one", "a2")));

        assertThat(failed.statusCode()).isEqualTo(500);
        assertThat(resent.statusCode()).isEqualTo(200);
        assertThat(emulator.ingestedCount()).isEqualTo(2);
        assertThat(emulator.duplicateCount()).isEqualTo(2);
        assertThat(emulator.ingestedInsertIdsByDevice()).containsExactly(entry("device-one", List.of("a1", "a2")));
    }

    @Test
    void keeps_the_normal_refusal_when_a_scripted_ingest_then_500_meets_an_invalid_request() throws Exception {
        start();
        emulator.script(Fault.ingestThen500());

        assertThat(post(batch("{\"device_id\":\"device-one\"}")).statusCode()).isEqualTo(400);
    }

    @Test
    void answers_a_scripted_throttle_naming_every_device_of_the_request() throws Exception {
        start();
        emulator.script(Fault.throttle());

        HttpResponse<String> response = post(batch(event("device-one", "a1"), event("device-two", "b1"),
                event("device-one", "a2"), userEvent("user-number-one", "c1")));

        assertThat(response.statusCode()).isEqualTo(429);
        JsonNode answer = json(response);
        assertThat(fieldNames(answer.path("throttled_devices"))).containsExactlyInAnyOrder("device-one", "device-two");
        assertThat(fieldNames(answer.path("throttled_users"))).containsExactly("user-number-one");
        assertThat(ints(answer.path("throttled_events"))).containsExactly(0, 1, 2, 3);
        assertThat(answer.path("eps_threshold").isNumber()).isTrue();
        assertThat(emulator.ingestedCount()).isZero();
    }

    // ---- random faults ----

    @Test
    void injects_seeded_random_faults_at_roughly_the_configured_rates() throws Exception {
        EmulatorSettings settings = new EmulatorSettings()
                .resetRate(0.05).status503Rate(0.05).status500Rate(0.05).status502Rate(0.05).status504Rate(0.05)
                .status500AfterIngestRate(0.05).slowRate(0.05).slowDelay(Duration.ofMillis(1)).seed(7);
        start(settings);
        int requests = 500;

        List<Integer> statuses = sendNumberedEvents(requests);

        Map<Integer, Long> answers = emulator.answerCounts();
        assertThat(answers.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(requests);
        // each fault is drawn only when the ones before it missed, so its share is a little under 5%
        for (int status : List.of(0, 503, 502, 504)) {
            assertThat(answers.getOrDefault(status, 0L)).as("status %d", status).isBetween(8L, 45L);
        }
        long ingestedThen500 = emulator.ingestedCount() - answers.get(200);
        long plain500 = answers.get(500) - ingestedThen500;
        assertThat(ingestedThen500).isBetween(6L, 45L);
        assertThat(plain500).isBetween(8L, 45L);
        assertThat(answers.get(200)).isBetween(330L, 440L);

        emulator.close();
        start(settings.copy());
        assertThat(sendNumberedEvents(100)).as("same seed, same faults").isEqualTo(statuses.subList(0, 100));
    }

    // ---- the standalone runner ----

    @Test
    void reads_the_standalone_runners_flags() {
        EmulatorSettings settings = EmulatorMain.parse(new String[]{"--port", "9090", "--device-eps", "300", "--keep-events", "false",
                "--api-key", "the-only-key-0123"});

        assertThat(settings.expectedApiKey()).isEqualTo("the-only-key-0123");
        assertThat(EmulatorMain.parse(new String[0]).expectedApiKey()).isNull();
        assertThat(settings.port()).isEqualTo(9090);
        assertThat(settings.deviceEps()).isEqualTo(300.0);
        assertThat(settings.keepEvents()).isFalse();
        assertThat(EmulatorMain.parse(new String[0]).port()).isEqualTo(8080);
        assertThatThrownBy(() -> EmulatorMain.parse(new String[]{"--colour", "blue"})).isInstanceOf(IllegalArgumentException.class);
    }

    // ---- helpers ----

    /** One single-event request per number, each with its own insert_id; returns each answer's status, 0 for a reset. */
    private List<Integer> sendNumberedEvents(int requests) throws InterruptedException {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            try {
                statuses.add(post(batch(event("device-" + (i % 10), "n" + i))).statusCode());
            } catch (IOException e) {
                statuses.add(0);
            }
        }
        return statuses;
    }

    private JsonNode getJson(String pathAndQuery) throws IOException, InterruptedException {
        URI uri = URI.create(emulator.batchUrl()).resolve(pathAndQuery);
        HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return json(response);
    }

    private HttpResponse<String> post(String body) throws IOException, InterruptedException {
        return post(body, "application/json");
    }

    private HttpResponse<String> post(String body, String contentType) throws IOException, InterruptedException {
        return CLIENT.send(request(body, contentType).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String body, String contentType) {
        return HttpRequest.newBuilder(URI.create(emulator.batchUrl()))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private static String batch(String... events) {
        return batchWithKey(API_KEY, events);
    }

    private static String batchWithKey(String apiKey, String... events) {
        return "{\"api_key\":\"" + apiKey + "\",\"events\":[" + String.join(",", events) + "]}";
    }

    private static String event(String deviceId, String insertId) {
        return "{\"event_type\":\"open\",\"device_id\":\"" + deviceId + "\",\"time\":" + SOME_TIME
                + (insertId == null ? "" : ",\"insert_id\":\"" + insertId + "\"") + "}";
    }

    private static String userEvent(String userId, String insertId) {
        return "{\"event_type\":\"open\",\"user_id\":\"" + userId + "\",\"time\":" + SOME_TIME
                + ",\"insert_id\":\"" + insertId + "\"}";
    }

    private static String[] events(String deviceId, int count) {
        return events(deviceId, 0, count);
    }

    /** Events whose insert_ids are numbered from firstNumber, so later requests do not repeat earlier ids. */
    private static String[] events(String deviceId, int firstNumber, int count) {
        String[] events = new String[count];
        for (int i = 0; i < count; i++) {
            events[i] = event(deviceId, deviceId + "-" + (firstNumber + i));
        }
        return events;
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    private static Map<String, List<Integer>> indexesByField(JsonNode fields) {
        Map<String, List<Integer>> byField = new LinkedHashMap<>();
        fields.properties().forEach(field -> byField.put(field.getKey(), ints(field.getValue())));
        return byField;
    }

    private static List<Integer> ints(JsonNode array) {
        List<Integer> ints = new ArrayList<>();
        array.forEach(node -> ints.add(node.asInt()));
        return ints;
    }

    private static List<String> fieldNames(JsonNode object) {
        List<String> names = new ArrayList<>();
        Iterator<String> it = object.fieldNames();
        it.forEachRemaining(names::add);
        return names;
    }
}

package io.ampfill.delivery;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** One test per row of the answer table in docs/contract.md. */
class AnswerClassifierTest {
    private static final List<String> THREE_DEVICES = Arrays.asList("device-a", "device-b", null);
    /** The wall clock's time when the answers come: a Retry-After date is a wait from then. */
    private static final long NOW = java.time.Instant.parse("2026-03-01T12:00:00Z").toEpochMilli();

    private static BatchAnswer classify(int status, String body) {
        return AnswerClassifier.classify(new HttpAnswer(status, null, body), THREE_DEVICES, NOW);
    }

    private static final String AMPLITUDE_200 =
            "{\"code\":200,\"events_ingested\":3,\"payload_size_bytes\":521,\"server_upload_time\":1396381378123}";

    @Test
    void acknowledges_a_200_with_amplitudes_answer() {
        assertThat(classify(200, AMPLITUDE_200)).isInstanceOf(BatchAnswer.Acknowledged.class);
        assertThat(classify(200, " { \"server_upload_time\": 1396381378123, \"payload_size_bytes\": 521,\n"
                + " \"events_ingested\": 3, \"code\": 200, \"more\": {\"a\": [1]} }\n")).isInstanceOf(BatchAnswer.Acknowledged.class);
    }

    @Test
    void does_not_acknowledge_a_200_whose_body_is_an_html_page() {
        BatchAnswer answer = classify(200, "<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body></body></html>");

        assertThat(answer).isInstanceOf(BatchAnswer.NotAmplitude.class);
        assertThat(((BatchAnswer.NotAmplitude) answer).what()).isEqualTo(
                "200 with an HTML page (<!DOCTYPE html> <html><head><title>Sign in</title></head><body></body></html>)");
    }

    @Test
    void does_not_acknowledge_a_200_whose_json_code_is_not_200() {
        BatchAnswer answer = classify(200, "{\"code\":500,\"events_ingested\":3,\"payload_size_bytes\":521,\"server_upload_time\":1}");

        assertThat(answer).isInstanceOf(BatchAnswer.NotAmplitude.class);
        assertThat(((BatchAnswer.NotAmplitude) answer).what()).startsWith("200 with JSON whose code is 500 (");
        assertThat(classify(200, "{\"code\":\"200\",\"events_ingested\":3,\"payload_size_bytes\":521,\"server_upload_time\":1}"))
                .isInstanceOf(BatchAnswer.NotAmplitude.class);
    }

    @Test
    void does_not_acknowledge_a_2xx_without_each_of_amplitudes_keys_or_with_more_than_one_object() {
        for (String body : new String[]{"", "   ", "OK", "{}", "[]", "{\"code\":200}", "{\"code\":200,\"events_ingested\":3}",
                "{\"code\":200,\"events_ingested\":\"3\",\"payload_size_bytes\":521,\"server_upload_time\":1}",
                AMPLITUDE_200 + AMPLITUDE_200, AMPLITUDE_200.substring(0, 40)}) {
            assertThat(classify(200, body)).as(body).isInstanceOf(BatchAnswer.NotAmplitude.class);
        }
        assertThat(classify(204, AMPLITUDE_200)).isInstanceOf(BatchAnswer.NotAmplitude.class);
        assertThat(((BatchAnswer.NotAmplitude) classify(200, "")).what()).isEqualTo("200 with an empty body");
        assertThat(((BatchAnswer.NotAmplitude) classify(200, "OK")).what()).isEqualTo("200 with a body that is not JSON (OK)");
    }

    @Test
    void dead_letters_exactly_the_events_a_400_lists_with_field_and_reason() {
        BatchAnswer answer = classify(400, """
                {"code":400,"error":"Request missing required field","missing_field":"event_type",
                 "events_with_invalid_fields":{"time":[2]},
                 "events_with_missing_fields":{"event_type":[0]}}""");
        assertThat(answer).isInstanceOf(BatchAnswer.RejectListed.class);
        var reasons = ((BatchAnswer.RejectListed) answer).reasons();
        assertThat(reasons).containsOnlyKeys(0, 2);
        assertThat(reasons.get(0)).contains("missing field event_type");
        assertThat(reasons.get(2)).contains("invalid field time");
    }

    @Test
    void dead_letters_events_with_short_ids_and_silenced_events_and_devices() {
        BatchAnswer answer = classify(400, """
                {"code":400,"error":"Invalid id length","events_with_invalid_id_lengths":{"device_id":[1]},
                 "silenced_events":[2],"silenced_devices":["device-a"]}""");
        var reasons = ((BatchAnswer.RejectListed) answer).reasons();
        assertThat(reasons).containsOnlyKeys(0, 1, 2);
        assertThat(reasons.get(0)).contains("device silenced");
        assertThat(reasons.get(1)).contains("id too short, device_id");
        assertThat(reasons.get(2)).contains("event silenced");
    }

    @Test
    void ignores_listed_indexes_outside_the_request() {
        BatchAnswer answer = classify(400, "{\"code\":400,\"events_with_invalid_fields\":{\"time\":[1,7]}}");
        assertThat(((BatchAnswer.RejectListed) answer).reasons()).containsOnlyKeys(1);
    }

    @Test
    void stops_on_an_invalid_api_key_without_repeating_the_answer() {
        BatchAnswer answer = classify(400, "{\"code\":400,\"error\":\"Invalid API key: ****ab\"}");
        assertThat(answer).isInstanceOf(BatchAnswer.Fatal.class);
        assertThat(((BatchAnswer.Fatal) answer).message()).startsWith("Amplitude refused the API key").doesNotContain("****ab");
    }

    @Test
    void stops_on_a_400_that_lists_no_event() {
        BatchAnswer answer = classify(400, "{\"code\":400,\"error\":\"Missing api_key\",\"missing_field\":\"api_key\"}");
        assertThat(answer).isInstanceOf(BatchAnswer.Fatal.class);
        assertThat(((BatchAnswer.Fatal) answer).message()).contains("missing field api_key");
        assertThat(classify(400, "not json")).isInstanceOf(BatchAnswer.Fatal.class);
    }

    @Test
    void stops_on_403() {
        assertThat(classify(403, "{\"error\":\"Forbidden\"}")).isInstanceOf(BatchAnswer.Fatal.class);
    }

    @Test
    void splits_on_413() {
        assertThat(classify(413, "{\"code\":413,\"error\":\"Payload too large\"}")).isInstanceOf(BatchAnswer.Split.class);
    }

    @Test
    void reads_throttled_devices_users_and_events_from_a_429() {
        BatchAnswer answer = classify(429, """
                {"code":429,"error":"Too many requests for some devices and users","eps_threshold":30,
                 "throttled_devices":{"device-a":31},"throttled_users":{"user-1":40},"throttled_events":[0]}""");
        var tooMany = (BatchAnswer.TooManyRequests) answer;
        assertThat(tooMany.throttledDevices()).containsExactly("device-a");
        assertThat(tooMany.throttledUsers()).containsExactly("user-1");
        assertThat(tooMany.throttledEvents()).containsExactly(0);
        assertThat(tooMany.quotaDevices()).isEmpty();
        assertThat(tooMany.cause()).isEqualTo("429 throttled");
    }

    @Test
    void reads_devices_and_users_over_their_daily_quota_from_a_429() {
        var tooMany = (BatchAnswer.TooManyRequests) classify(429, """
                {"code":429,"exceeded_daily_quota_devices":{"device-b":500001},"exceeded_daily_quota_users":{"user-2":500001}}""");
        assertThat(tooMany.quotaDevices()).containsExactly("device-b");
        assertThat(tooMany.quotaUsers()).containsExactly("user-2");
        assertThat(tooMany.cause()).isEqualTo("429 daily quota");
    }

    @Test
    void honours_retry_after_on_a_429_in_seconds_or_as_a_date() {
        var seconds = (BatchAnswer.TooManyRequests) AnswerClassifier.classify(
                new HttpAnswer(429, "15", "{}"), THREE_DEVICES, NOW);
        assertThat(seconds.retryAfter()).isEqualTo(Duration.ofSeconds(15));
        assertThat(seconds.namesNobody()).isTrue();
        assertThat(AnswerClassifier.retryAfter("Sun, 01 Mar 2026 12:00:30 GMT", NOW)).isEqualTo(Duration.ofSeconds(30));
        assertThat(AnswerClassifier.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT", NOW)).isEqualTo(Duration.ZERO);
        assertThat(AnswerClassifier.retryAfter("soon", NOW)).isNull();
    }

    @Test
    void resends_on_500_502_503_504() {
        for (int status : new int[]{500, 502, 503, 504}) {
            BatchAnswer answer = classify(status, "");
            assertThat(answer).isInstanceOf(BatchAnswer.Resend.class);
            assertThat(answer.cause()).isEqualTo(String.valueOf(status));
        }
    }

    @Test
    void resends_on_timeouts_resets_and_refused_connections() {
        assertThat(AnswerClassifier.classify(new SocketTimeoutException("Read timed out")).cause()).isEqualTo("timeout");
        assertThat(AnswerClassifier.classify(new ConnectException("Connection refused")).cause()).isEqualTo("connection refused");
        assertThat(AnswerClassifier.classify(new RuntimeException(new SocketException("Connection reset"))).cause())
                .isEqualTo("connection error");
        assertThat(AnswerClassifier.classify(new IOException("premature end of chunk"))).isInstanceOf(BatchAnswer.Resend.class);
    }

    @Test
    void stops_on_a_failure_that_is_not_the_network() {
        assertThat(AnswerClassifier.classify(new IllegalArgumentException("bad uri"))).isInstanceOf(BatchAnswer.Fatal.class);
    }
}

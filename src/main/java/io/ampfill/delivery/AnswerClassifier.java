package io.ampfill.delivery;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The answer table of docs/contract.md as a pure function: from what Amplitude answered (or the
 * failure that stood in for an answer) to a {@link BatchAnswer}. No state, no network, so every row is
 * unit-tested on its own.
 */
public final class AnswerClassifier {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The keys of Amplitude's acknowledgement, as bits of {@link #isAmplitudeAcknowledgement}'s mask. */
    private static final int CODE = 1;
    private static final int EVENTS_INGESTED = 2;
    private static final int PAYLOAD_SIZE_BYTES = 4;
    private static final int SERVER_UPLOAD_TIME = 8;
    private static final int ALL_ACKNOWLEDGEMENT_KEYS = CODE | EVENTS_INGESTED | PAYLOAD_SIZE_BYTES | SERVER_UPLOAD_TIME;
    private static final String[] LISTING_KEYS = {
            "events_with_invalid_fields", "events_with_missing_fields", "events_with_invalid_id_lengths"};

    private AnswerClassifier() {
    }

    /**
     * @param answer   what the server answered, its body already cleared of the API key
     * @param deviceIds the device_id of each event of the request, by index (null where it has none)
     * @param now       the wall clock's time (epoch millis): a Retry-After given as a date is a wait from then
     */
    public static BatchAnswer classify(HttpAnswer answer, List<String> deviceIds, long now) {
        int status = answer.status();
        if (status >= 200 && status < 300) {
            return status == 200 && isAmplitudeAcknowledgement(answer.body())
                    ? new BatchAnswer.Acknowledged()
                    : new BatchAnswer.NotAmplitude(status + " with " + describe(answer.body()));
        }
        return switch (status) {
            case 400 -> classify400(answer.body(), deviceIds);
            case 403 -> new BatchAnswer.Fatal("Amplitude answered 403 Forbidden: this client is blocked"
                    + " (firewall, or a project in the other region: check amplitude.endpoint)");
            case 413 -> new BatchAnswer.Split();
            case 429 -> classify429(answer, now);
            case 408, 500, 502, 503, 504 -> new BatchAnswer.Resend(String.valueOf(status), retryAfter(answer.retryAfter(), now));
            case 401 -> new BatchAnswer.Fatal("Amplitude refused the API key (401): check amplitude.api-key");
            case 404 -> new BatchAnswer.Fatal("Amplitude answered 404 Not Found: check amplitude.endpoint");
            default -> status >= 500
                    ? new BatchAnswer.Resend(String.valueOf(status), retryAfter(answer.retryAfter(), now))
                    : new BatchAnswer.Fatal("Amplitude answered " + status + ", which ampfill does not know how to handle: "
                    + oneLine(answer.body()));
        };
    }

    /**
     * Whether a 200's body is Amplitude's acknowledgement: one JSON object with an integer {@code code} of 200 and the
     * integers {@code events_ingested}, {@code payload_size_bytes} and {@code server_upload_time}. A proxy's page or a
     * wrong endpoint's answer must not count as delivered. Read with a streaming parser: one small body per request.
     */
    static boolean isAmplitudeAcknowledgement(String body) {
        if (body == null || body.isEmpty()) {
            return false;
        }
        try (JsonParser json = JSON.getFactory().createParser(body)) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            int seen = 0;
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String key = json.currentName();
                boolean integer = json.nextToken() == JsonToken.VALUE_NUMBER_INT;
                int bit = switch (key) {
                    case "code" -> integer && json.getLongValue() == 200 ? CODE : -1;
                    case "events_ingested" -> integer ? EVENTS_INGESTED : -1;
                    case "payload_size_bytes" -> integer ? PAYLOAD_SIZE_BYTES : -1;
                    case "server_upload_time" -> integer ? SERVER_UPLOAD_TIME : -1;
                    default -> 0;
                };
                if (bit < 0) {
                    return false;
                }
                seen |= bit;
                json.skipChildren();
            }
            return seen == ALL_ACKNOWLEDGEMENT_KEYS && json.nextToken() == null;
        } catch (IOException notJson) {
            return false;
        }
    }

    /** What a body that is not Amplitude's acknowledgement holds, in a few words and its start. */
    private static String describe(String body) {
        String text = body == null ? "" : body.strip();
        if (text.isEmpty()) {
            return "an empty body";
        }
        String kind;
        JsonNode code = text.charAt(0) == '{' ? parse(text).get("code") : null;
        if (text.charAt(0) == '<') {
            kind = "an HTML page";
        } else if (code != null && !(code.isIntegralNumber() && code.asLong() == 200)) {
            kind = "JSON whose code is " + oneLine(code.toString());
        } else if (text.charAt(0) == '{') {
            kind = "JSON that is not Amplitude's acknowledgement";
        } else {
            kind = "a body that is not JSON";
        }
        String start = oneLine(text);
        return kind + " (" + (start.length() > 80 ? start.substring(0, 80) + "..." : start) + ")";
    }

    /** A request that got no answer: a timeout, a reset or a refused connection is sent again; anything else is a bug or bad setting. */
    public static BatchAnswer classify(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException || t.getClass().getSimpleName().contains("Timeout")) {
                return new BatchAnswer.Resend("timeout", null);
            }
            if (t instanceof ConnectException) {
                return new BatchAnswer.Resend("connection refused", null);
            }
            if (t instanceof UnknownHostException) {
                return new BatchAnswer.Resend("unknown host", null);
            }
            if (t instanceof IOException) {
                return new BatchAnswer.Resend("connection error", null);
            }
        }
        return new BatchAnswer.Fatal("could not send to Amplitude: " + oneLine(String.valueOf(failure.getMessage())));
    }

    private static BatchAnswer classify400(String body, List<String> deviceIds) {
        JsonNode json = parse(body);
        String error = json.path("error").asText("");
        if (error.regionMatches(true, 0, "Invalid API key", 0, 15)) {
            return new BatchAnswer.Fatal("Amplitude refused the API key (400 Invalid API key): check amplitude.api-key");
        }
        Map<Integer, String> reasons = new TreeMap<>();
        for (String key : LISTING_KEYS) {
            String kind = switch (key) {
                case "events_with_missing_fields" -> "missing field ";
                case "events_with_invalid_id_lengths" -> "id too short, ";
                default -> "invalid field ";
            };
            for (Iterator<Map.Entry<String, JsonNode>> it = json.path(key).fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                for (JsonNode index : field.getValue()) {
                    addReason(reasons, index.asInt(-1), deviceIds.size(),
                            "Amplitude refused the event (400 " + kind + field.getKey() + ")");
                }
            }
        }
        for (JsonNode index : json.path("silenced_events")) {
            addReason(reasons, index.asInt(-1), deviceIds.size(), "Amplitude refused the event (400 event silenced)");
        }
        Set<String> silencedDevices = new LinkedHashSet<>();
        json.path("silenced_devices").forEach(d -> silencedDevices.add(d.asText()));
        for (int i = 0; i < deviceIds.size(); i++) {
            if (deviceIds.get(i) != null && silencedDevices.contains(deviceIds.get(i))) {
                addReason(reasons, i, deviceIds.size(), "Amplitude refused the event (400 device silenced)");
            }
        }
        if (!reasons.isEmpty()) {
            return new BatchAnswer.RejectListed(reasons);
        }
        if (json.hasNonNull("missing_field")) {
            return new BatchAnswer.Fatal("Amplitude refused the request (400): missing field "
                    + json.get("missing_field").asText() + (error.isEmpty() ? "" : " (" + oneLine(error) + ")"));
        }
        return new BatchAnswer.Fatal("Amplitude refused the request (400) without naming an event: "
                + (error.isEmpty() ? oneLine(body) : oneLine(error)));
    }

    private static void addReason(Map<Integer, String> reasons, int index, int size, String reason) {
        if (index >= 0 && index < size) {
            reasons.merge(index, reason, (a, b) -> a.equals(b) ? a : a.substring(0, a.length() - 1) + ", " + b.substring(b.indexOf("(400 ") + 5));
        }
    }

    private static BatchAnswer classify429(HttpAnswer answer, long now) {
        JsonNode json = parse(answer.body());
        List<Integer> events = new ArrayList<>();
        json.path("throttled_events").forEach(i -> events.add(i.asInt()));
        return new BatchAnswer.TooManyRequests(
                keys(json.path("throttled_devices")), keys(json.path("throttled_users")),
                keys(json.path("exceeded_daily_quota_devices")), keys(json.path("exceeded_daily_quota_users")),
                events, retryAfter(answer.retryAfter(), now), json.path("eps_threshold").asDouble(0));
    }

    private static Set<String> keys(JsonNode object) {
        Set<String> keys = new LinkedHashSet<>();
        object.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    /** Retry-After in seconds or as an HTTP date (a wait from {@code now}, epoch millis); null when absent or unreadable. */
    static Duration retryAfter(String header, long now) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String value = header.trim();
        try {
            return Duration.ofMillis((long) (Double.parseDouble(value) * 1000));
        } catch (NumberFormatException notSeconds) {
            try {
                Duration wait = Duration.ofMillis(ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant().toEpochMilli() - now);
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (RuntimeException notADate) {
                return null;
            }
        }
    }

    private static JsonNode parse(String body) {
        try {
            JsonNode node = JSON.readTree(body == null ? "" : body);
            return node == null ? JSON.createObjectNode() : node;
        } catch (IOException unreadable) {
            return JSON.createObjectNode();
        }
    }

    private static String oneLine(String text) {
        if (text == null) {
            return "";
        }
        String line = text.replaceAll("\\s+", " ").trim();
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }
}

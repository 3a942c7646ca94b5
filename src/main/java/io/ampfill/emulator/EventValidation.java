package io.ampfill.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Amplitude's per-event checks; one bad event refuses the whole request, listing every bad event by index. */
final class EventValidation {

    static final int DEFAULT_MIN_ID_LENGTH = 5;

    /** Amplitude refuses these as ids, case-insensitively: they are what broken instrumentation sends. */
    private static final String[] REFUSED_IDS = {
            "anonymous", "nil", "none", "null", "n/a", "na", "undefined", "unknown", "", "empty",
            "00000000-0000-0000-0000-000000000000", "{}", "lmy47d", "0", "-1"};

    private static final String[] OBJECT_FIELDS = {"event_properties", "user_properties", "groups", "group_properties"};

    /** An event lacking both ids is reported under this field. */
    static final String MISSING_ID_FIELD = "device_id";

    private EventValidation() {
    }

    /** The request's min_id_length option, else Amplitude's default of 5. */
    static int minIdLength(JsonNode request) {
        JsonNode min = request.path("options").path("min_id_length");
        return min.isIntegralNumber() && min.asInt() >= 1 ? min.asInt() : DEFAULT_MIN_ID_LENGTH;
    }

    /** @return null when every event is valid */
    static EventProblems check(ArrayNode events, int minIdLength, java.util.Set<String> silencedDevices) {
        EventProblems problems = null;
        for (int i = 0, n = events.size(); i < n; i++) {
            JsonNode node = events.get(i);
            if (!(node instanceof ObjectNode)) {
                problems = orNew(problems).invalidField("event", i);
                continue;
            }
            ObjectNode event = (ObjectNode) node;

            JsonNode eventType = event.get("event_type");
            if (absent(eventType) || (eventType.isTextual() && eventType.textValue().isEmpty())) {
                problems = orNew(problems).missingField("event_type", i);
            } else if (!eventType.isTextual()) {
                problems = orNew(problems).invalidField("event_type", i);
            }

            JsonNode userId = event.get("user_id");
            JsonNode deviceId = event.get("device_id");
            if (absent(userId) && absent(deviceId)) {
                problems = orNew(problems).missingField(MISSING_ID_FIELD, i);
            } else {
                problems = checkId("user_id", userId, i, minIdLength, problems);
                problems = checkId("device_id", deviceId, i, minIdLength, problems);
            }

            if (!silencedDevices.isEmpty() && deviceId != null && deviceId.isTextual()
                    && silencedDevices.contains(deviceId.textValue())) {
                problems = orNew(problems).silenced(deviceId.textValue(), i);
            }

            JsonNode time = event.get("time");
            if (!absent(time) && !time.isIntegralNumber()) {
                problems = orNew(problems).invalidField("time", i);
            }
            for (String field : OBJECT_FIELDS) {
                JsonNode value = event.get(field);
                if (!absent(value) && !value.isObject()) {
                    problems = orNew(problems).invalidField(field, i);
                }
            }
            JsonNode insertId = event.get("insert_id");
            if (!absent(insertId) && !insertId.isTextual()) {
                problems = orNew(problems).invalidField("insert_id", i);
            }
        }
        return problems;
    }

    private static EventProblems checkId(String field, JsonNode id, int index, int minIdLength, EventProblems problems) {
        if (absent(id)) {
            return problems;
        }
        if (!id.isTextual() || isRefusedId(id.textValue())) {
            return orNew(problems).invalidField(field, index);
        }
        if (id.textValue().length() < minIdLength) {
            return orNew(problems).invalidIdLength(field, index);
        }
        return problems;
    }

    static boolean isRefusedId(String id) {
        for (String refused : REFUSED_IDS) {
            if (refused.equalsIgnoreCase(id)) {
                return true;
            }
        }
        return false;
    }

    /** JSON null counts as absent: serialisers often write optional fields as null. */
    private static boolean absent(JsonNode node) {
        return node == null || node.isNull();
    }

    private static EventProblems orNew(EventProblems problems) {
        return problems != null ? problems : new EventProblems();
    }

    /** Indexes of refused events per field, in the shape of Amplitude's 400 body. */
    static final class EventProblems {
        final Map<String, List<Integer>> invalidFields = new LinkedHashMap<>();
        final Map<String, List<Integer>> missingFields = new LinkedHashMap<>();
        final Map<String, List<Integer>> invalidIdLengths = new LinkedHashMap<>();
        final List<Integer> silencedEvents = new ArrayList<>();
        final java.util.Set<String> silencedDevices = new java.util.LinkedHashSet<>();

        /** Amplitude refuses the events of devices it has silenced (blocked) with a 400 naming them. */
        EventProblems silenced(String deviceId, int index) {
            silencedDevices.add(deviceId);
            silencedEvents.add(index);
            return this;
        }

        EventProblems invalidField(String field, int index) {
            return add(invalidFields, field, index);
        }

        EventProblems missingField(String field, int index) {
            return add(missingFields, field, index);
        }

        EventProblems invalidIdLength(String field, int index) {
            return add(invalidIdLengths, field, index);
        }

        private EventProblems add(Map<String, List<Integer>> byField, String field, int index) {
            byField.computeIfAbsent(field, f -> new ArrayList<>()).add(index);
            return this;
        }

        ObjectNode toBody(ObjectNode body) {
            body.put("code", 400);
            if (!missingFields.isEmpty()) {
                body.put("error", "Request missing required field");
                body.put("missing_field", missingFields.keySet().iterator().next());
            } else {
                body.put("error", "Invalid field values on some events");
            }
            putIndexes(body, "events_with_invalid_fields", invalidFields);
            putIndexes(body, "events_with_missing_fields", missingFields);
            putIndexes(body, "events_with_invalid_id_lengths", invalidIdLengths);
            if (!silencedEvents.isEmpty()) {
                silencedEvents.forEach(body.putArray("silenced_events")::add);
                silencedDevices.forEach(body.putArray("silenced_devices")::add);
            }
            return body;
        }

        private static void putIndexes(ObjectNode body, String key, Map<String, List<Integer>> byField) {
            if (byField.isEmpty()) {
                return;
            }
            ObjectNode fields = body.putObject(key);
            byField.forEach((field, indexes) -> {
                ArrayNode list = fields.putArray(field);
                indexes.forEach(list::add);
            });
        }
    }
}

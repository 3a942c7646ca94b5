package io.ampfill.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What was ingested, per device key in arrival order, with Amplitude's insert_id deduplication per device,
 * so tests can assert "all delivered, once, in order". Not thread-safe: the emulator calls it under its ingest lock.
 */
final class IngestLedger {

    /** Amplitude keys a device by device_id, else by user_id; the prefix keeps the two id spaces apart. */
    static final String USER_KEY_PREFIX = "user:";

    private final Map<String, DeviceLog> logs = new LinkedHashMap<>();
    private final List<ObjectNode> inOrder = new ArrayList<>();
    private long duplicatesBehindNewer;

    /** @return how many events were dropped as duplicates */
    int ingest(ArrayNode events) {
        int duplicates = 0;
        for (JsonNode node : events) {
            ObjectNode event = (ObjectNode) node;
            DeviceLog log = logs.computeIfAbsent(deviceKey(event), key -> new DeviceLog());
            JsonNode insertId = event.get("insert_id");
            if (insertId != null && insertId.isTextual()) {
                String id = insertId.textValue();
                if (!log.seenInsertIds.add(id)) {
                    duplicates++;
                    if (!id.equals(log.insertIds.get(log.insertIds.size() - 1))) {
                        duplicatesBehindNewer++;
                    }
                    continue;
                }
                log.insertIds.add(id);
            }
            log.events.add(event);
            inOrder.add(event);
        }
        return duplicates;
    }

    static String deviceKey(ObjectNode event) {
        JsonNode deviceId = event.get("device_id");
        if (deviceId != null && deviceId.isTextual()) {
            return deviceId.textValue();
        }
        return USER_KEY_PREFIX + event.path("user_id").asText();
    }

    Map<String, List<String>> insertIdsByDevice() {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        logs.forEach((key, log) -> copy.put(key, new ArrayList<>(log.insertIds)));
        return copy;
    }

    int count(String deviceKey) {
        DeviceLog log = logs.get(deviceKey);
        return log == null ? 0 : log.events.size();
    }

    List<ObjectNode> events(String deviceKey) {
        DeviceLog log = logs.get(deviceKey);
        List<ObjectNode> copy = new ArrayList<>();
        if (log != null) {
            log.events.forEach(event -> copy.add(event.deepCopy()));
        }
        return copy;
    }

    /** Every ingested event across devices, in the order they were ingested (read-only view of a copy). */
    List<ObjectNode> eventsInOrder() {
        return List.copyOf(inOrder);
    }

    /** Duplicates that came after a newer event of their device was ingested: a resend that arrived behind it. */
    long duplicatesBehindNewer() {
        return duplicatesBehindNewer;
    }

    void clear() {
        duplicatesBehindNewer = 0;
        inOrder.clear();
        logs.clear();
    }

    private static final class DeviceLog {
        final Set<String> seenInsertIds = new HashSet<>();
        final List<String> insertIds = new ArrayList<>();
        final List<ObjectNode> events = new ArrayList<>();
    }
}

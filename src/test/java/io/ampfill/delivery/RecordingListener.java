package io.ampfill.delivery;

import io.ampfill.ledger.SourceUnit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What delivery told the run, recorded for a test (from any thread): lines, fatal stops, requests, deliveries, retries,
 * dead letters; and the test events it hands in.
 */
public class RecordingListener implements DeliveryListener {
    static final long BASE_TIME = 1_700_000_000_000L;

    final List<String> lines = new CopyOnWriteArrayList<>();
    public final List<String> fatal = new CopyOnWriteArrayList<>();
    final List<String> retries = new CopyOnWriteArrayList<>();
    final AtomicInteger delivered = new AtomicInteger();
    final AtomicInteger requests = new AtomicInteger();
    /** The events of each request, in the order they were sent. */
    final List<Integer> requestSizes = new CopyOnWriteArrayList<>();
    /** The events dead-lettered, by insert_id, with the reason, in the order they were. */
    final Map<String, String> deadLetters = Collections.synchronizedMap(new LinkedHashMap<>());
    final AtomicInteger waitedOnDisk = new AtomicInteger();

    /** The events {@code from..to-1} of each device, in that order (seq = the event's number), of this unit. */
    static List<OutboundEvent> events(SourceUnit unit, List<String> devices, int from, int to) {
        List<OutboundEvent> events = new ArrayList<>();
        for (int seq = from; seq < to; seq++) {
            for (String device : devices) {
                String insertId = device + "-" + seq;
                String json = "{\"event_type\":\"Played Song\",\"device_id\":\"" + device + "\",\"time\":" + (BASE_TIME + seq)
                        + ",\"insert_id\":\"" + insertId + "\",\"event_properties\":{\"seq\":" + seq + "}}";
                events.add(new OutboundEvent(device, device, null, json.getBytes(StandardCharsets.UTF_8),
                        unit, unit.nextOrdinal(), seq + 1));
            }
        }
        return events;
    }

    static List<String> devices(int count) {
        List<String> devices = new ArrayList<>();
        for (int d = 0; d < count; d++) {
            devices.add(String.format("device-%06d", d));
        }
        return devices;
    }

    @Override
    public void deadLetter(OutboundEvent event, String reason) {
        deadLetters.put(event.insertId(), reason);
    }

    @Override
    public void requestSent(int events) {
        requestSizes.add(events);
        requests.incrementAndGet();
    }

    @Override
    public void delivered(int events) {
        delivered.addAndGet(events);
    }

    @Override
    public void retry(String cause) {
        retries.add(cause);
    }

    @Override
    public void fatal(String message) {
        fatal.add(message);
    }

    @Override
    public void waitedOnDisk(int events) {
        waitedOnDisk.addAndGet(events);
    }

    @Override
    public void notice(String line) {
        lines.add(line);
    }
}

package io.ampfill.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.ampfill.emulator.AmplitudeEmulator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Test events: device d's n-th event carries event_properties.seq = n, so order is checkable after ingest. */
final class Events {
    static final long BASE_TIME = 1_700_000_000_000L;

    private Events() {
    }

    static String device(int d) {
        return String.format("device-%04d", d);
    }

    static String ndjsonLine(int device, int seq) {
        return "{\"event_type\":\"Played Song\",\"device_id\":\"" + device(device) + "\",\"time\":"
                + (BASE_TIME + seq * 1000L) + ",\"event_properties\":{\"seq\":" + seq + "}}";
    }

    /**
     * Events of {@code devices} devices, {@code perDevice} each, in time order across devices, split
     * over {@code files} consecutive parts (as hourly export files are).
     */
    static List<String> timeOrderedFiles(int devices, int perDevice, int files) {
        List<String> lines = new ArrayList<>();
        for (int seq = 0; seq < perDevice; seq++) {
            for (int d = 0; d < devices; d++) {
                lines.add(ndjsonLine(d, seq));
            }
        }
        List<String> parts = new ArrayList<>();
        int per = (lines.size() + files - 1) / files;
        for (int f = 0; f < files; f++) {
            parts.add(String.join("\n", lines.subList(f * per, Math.min(lines.size(), (f + 1) * per))) + "\n");
        }
        return parts;
    }

    /** The events of {@link #timeOrderedFiles} written to hour-00.ndjson, hour-01.ndjson... in the folder, aged a minute. */
    static Path hourlyFiles(Path folder, int devices, int perDevice, int files) throws IOException {
        Files.createDirectories(folder);
        List<String> parts = timeOrderedFiles(devices, perDevice, files);
        for (int i = 0; i < parts.size(); i++) {
            Path file = folder.resolve(String.format("hour-%02d.ndjson", i));
            Files.writeString(file, parts.get(i), StandardCharsets.UTF_8);
            Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(60)));
        }
        return folder;
    }

    /** Every device got exactly its events 0..n-1, once each, in order. */
    static void assertDeliveredInOrder(AmplitudeEmulator emulator, int devices, int perDevice) {
        assertThat(emulator.ingestedCount()).isEqualTo((long) devices * perDevice);
        for (int d = 0; d < devices; d++) {
            List<Integer> seqs = seqs(emulator, device(d));
            assertThat(seqs).as("events of %s in ingest order", device(d)).hasSize(perDevice);
            for (int i = 0; i < perDevice; i++) {
                if (seqs.get(i) != i) {
                    throw new AssertionError(device(d) + " got its events out of order: " + seqs);
                }
            }
        }
    }

    /** Waits (up to 20 s) until the emulator has ingested exactly n events. */
    static void awaitIngested(AmplitudeEmulator emulator, long n) throws InterruptedException {
        awaitIngested(emulator, n, 20);
        assertThat(emulator.ingestedCount()).isEqualTo(n);
    }

    /** Waits, up to {@code seconds}, until the emulator has ingested at least n events. */
    static void awaitIngested(AmplitudeEmulator emulator, long n, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(seconds);
        while (emulator.ingestedCount() < n && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    static List<Integer> seqs(AmplitudeEmulator emulator, String deviceKey) {
        List<Integer> seqs = new ArrayList<>();
        for (JsonNode event : emulator.ingestedEvents(deviceKey)) {
            seqs.add(event.path("event_properties").path("seq").asInt(-1));
        }
        return seqs;
    }
}

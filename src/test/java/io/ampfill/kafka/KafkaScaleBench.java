package io.ampfill.kafka;

import io.ampfill.emulator.AmplitudeEmulator;
import io.ampfill.emulator.EmulatorSettings;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The scale-out benchmark (bench/run.sh kafka): 1, 2, 3... instances of the packaged jar in one group on a 12-partition
 * topic of the in-JVM broker, against the emulator in this JVM answering each request after a fixed latency, with a
 * fixed number of requests in flight per instance: where the instances, not the CPU, are the limit. Prints, per count of
 * instances, events/s from the first event ingested to the last, CPU seconds per million events (all instances) and
 * the largest RSS of one instance.
 *
 * <p>Arguments: {@code instances=1,2,3 events=480000 devices=4800 latency-ms=1000 concurrency=4 work=DIR}.
 */
public final class KafkaScaleBench {
    private KafkaScaleBench() {
    }

    public static void main(String[] args) throws Exception {
        List<Integer> counts = new ArrayList<>();
        int events = 480_000;
        int devices = 4_800;
        long latencyMs = 1000;
        int concurrency = 4;
        Path work = Path.of(System.getProperty("java.io.tmpdir"), "ampfill-kafka-bench");
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            switch (kv[0]) {
                case "instances" -> {
                    for (String n : kv[1].split(",")) {
                        counts.add(Integer.parseInt(n));
                    }
                }
                case "events" -> events = Integer.parseInt(kv[1]);
                case "devices" -> devices = Integer.parseInt(kv[1]);
                case "latency-ms" -> latencyMs = Long.parseLong(kv[1]);
                case "concurrency" -> concurrency = Integer.parseInt(kv[1]);
                case "work" -> work = Path.of(kv[1]);
                default -> throw new IllegalArgumentException("unknown argument " + arg);
            }
        }
        if (counts.isEmpty()) {
            counts = List.of(1, 2, 3);
        }
        InJvmKafka kafka = InJvmKafka.broker();
        System.out.printf(Locale.ROOT, "broker started in %d ms; %d events of %d devices, 12 partitions, latency %d ms,"
                + " %d requests in flight per instance%n", kafka.startMillis(), events, devices, latencyMs, concurrency);
        System.out.println("instances  events/s  wall-s  cpu-s  cpu-s/M-events  max-rss-MB  requests  resent");
        try (AmplitudeEmulator emulator = AmplitudeEmulator.start(new EmulatorSettings()
                .latency(Duration.ofMillis(latencyMs)).keepEvents(false))) {
            for (int n : counts) {
                emulator.reset();
                String topic = "bench-" + n + "-" + System.currentTimeMillis();
                fill(kafka, topic, devices, events / devices);
                Run run = run(kafka, emulator, topic, n, events, concurrency, work.resolve(topic));
                System.out.printf(Locale.ROOT, "%9d  %8.0f  %6.1f  %5.1f  %14.1f  %10d  %8d  %6d%n", n, events / run.seconds,
                        run.seconds, run.cpuSeconds, run.cpuSeconds * 1e6 / events, run.maxRssKb / 1024,
                        emulator.requestCount(), emulator.duplicateCount());
            }
        }
        System.exit(0);
    }

    private record Run(double seconds, double cpuSeconds, long maxRssKb) {
    }

    private static void fill(InJvmKafka kafka, String topic, int devices, int perDevice) throws Exception {
        kafka.createTopic(topic, 12);
        try (KafkaProducer<String, String> producer = kafka.producer()) {
            for (int seq = 0; seq < perDevice; seq++) {
                for (int d = 0; d < devices; d++) {
                    String device = String.format(Locale.ROOT, "device-%06d", d);
                    producer.send(new ProducerRecord<>(topic, device, "{\"event_type\":\"Played Song\",\"device_id\":\""
                            + device + "\",\"time\":" + (1_700_000_000_000L + seq * 1000L) + ",\"event_properties\":{\"seq\":"
                            + seq + "}}"));
                }
            }
            producer.flush();
        }
    }

    /** Runs n instances to their end; the time is the emulator's, from its first event ingested to its last. */
    private static Run run(InJvmKafka kafka, AmplitudeEmulator emulator, String topic, int n, int events, int concurrency,
                           Path dir) throws Exception {
        List<Process> runs = new ArrayList<>();
        List<Path> times = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Path instance = Files.createDirectories(dir.resolve("instance-" + i));
            Path time = instance.resolve("time.txt");
            times.add(time);
            runs.add(new ProcessBuilder("/usr/bin/time", "-o", time.toString(), "-f", "%U %S %M",
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                    "-Damplitude.api-key=bench-key-0123456789", "-Damplitude.endpoint=" + emulator.batchUrl(),
                    "-Damplitude.max-concurrent-requests=" + concurrency,
                    "-Dbackfill.source=kafka", "-Dbackfill.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                    "-Dbackfill.kafka.topic=" + topic, "-Dbackfill.kafka.group-id=" + topic,
                    "-jar", Path.of("target/ampfill.jar").toAbsolutePath().toString())
                    .directory(instance.toFile()).redirectErrorStream(true)
                    .redirectOutput(instance.resolve("run.log").toFile()).start());
        }
        long first = 0;
        long last = 0;
        long seen = 0;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (seen < events && System.nanoTime() < deadline) {
            long now = System.nanoTime();
            long count = emulator.ingestedCount();
            if (count > 0 && first == 0) {
                first = now;
            }
            if (count > seen) {
                seen = count;
                last = now;
            }
            Thread.sleep(5);
        }
        for (Process run : runs) {
            if (!run.waitFor(5, TimeUnit.MINUTES)) {
                run.destroyForcibly();
            }
        }
        if (seen < events) {
            throw new IllegalStateException("only " + seen + " of " + events + " events arrived; see " + dir);
        }
        double cpu = 0;
        long rss = 0;
        for (Path time : times) {
            String[] f = lastLine(time).trim().split("\\s+");
            cpu += Double.parseDouble(f[0]) + Double.parseDouble(f[1]);
            rss = Math.max(rss, Long.parseLong(f[2]));
        }
        return new Run((last - first) / 1e9, cpu, rss);
    }

    private static String lastLine(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        return lines.get(lines.size() - 1);
    }
}

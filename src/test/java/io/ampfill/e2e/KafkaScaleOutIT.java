package io.ampfill.e2e;

import io.ampfill.emulator.AmplitudeEmulator;
import io.ampfill.emulator.EmulatorSettings;
import io.ampfill.kafka.InJvmKafka;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several instances of the packaged jar (child JVMs) in one consumer group on a topic of the in-JVM broker, sending to
 * the emulator in this JVM, which records what it ingested per insert_id, in order. Whatever joins, leaves or dies,
 * every event is ingested once, each device's in order, what is sent twice stays within the in-flight windows of the
 * instances that gave partitions away, and the group ends with nothing left to read.
 */
class KafkaScaleOutIT {
    private static final Pattern HAND_OVER = Pattern.compile(
            "moved to another instance at offset \\d+: (\\d+) events read but not sent .*, and (\\d+) settled .* \\((\\d+) ms\\)");
    /** A partition taken from an instance the group gave up on (a busy machine may starve its heartbeats). */
    private static final Pattern LOST = Pattern.compile("was lost to the group at offset \\d+: \\d+ events .*, and (\\d+) settled ");
    /** Each instance's in-flight window: small, so that what a kill or a hand-over may resend is small too. */
    private static final int WINDOW = 5_000;

    @TempDir
    Path work;
    private final List<Process> runs = new ArrayList<>();
    private AmplitudeEmulator emulator;

    @AfterEach
    void stop() {
        runs.forEach(Process::destroyForcibly);
        if (emulator != null) {
            emulator.close();
        }
    }

    private Map<String, String> instance(InJvmKafka kafka, String topic) {
        Map<String, String> settings = ChildRun.sendingTo(emulator);
        settings.put("backfill.source", "kafka");
        settings.put("backfill.kafka.bootstrap-servers", kafka.bootstrapServers());
        settings.put("backfill.kafka.topic", topic);
        settings.put("backfill.kafka.group-id", topic + "-group");
        settings.put("backfill.checkpoint-interval", "200ms");
        settings.put("backfill.max-in-flight-events", String.valueOf(WINDOW));
        // a killed instance's partitions move after 10 s rather than Kafka's 45
        settings.put("camel.component.kafka.session-timeout-ms", "10000");
        settings.put("camel.component.kafka.heartbeat-interval-ms", "1000");
        return settings;
    }

    private Process start(String name, Map<String, String> settings) throws IOException {
        Path dir = Files.createDirectories(work.resolve(name));
        Process run = ChildRun.start(dir, settings);
        runs.add(run);
        return run;
    }

    private String logs() throws IOException {
        StringBuilder all = new StringBuilder();
        try (var dirs = Files.list(work)) {
            for (Path dir : dirs.sorted().toList()) {
                all.append("#### ").append(dir.getFileName()).append('\n').append(ChildRun.logs(dir));
            }
        }
        return all.toString();
    }

    @Test
    void three_instances_one_killed_and_a_fourth_joining_deliver_300000_events_once_in_order() throws Exception {
        InJvmKafka kafka = InJvmKafka.broker();
        emulator = AmplitudeEmulator.start(new EmulatorSettings());
        String topic = "scale-out";
        int devices = 3000;
        int perDevice = 100;
        KafkaTopic.Placement placement = KafkaTopic.filled(kafka, topic, 12, devices, perDevice);
        Map<String, String> settings = instance(kafka, topic);

        long started = System.nanoTime();
        Process first = start("instance-1", settings);
        Process killed = start("instance-2", settings);
        Process third = start("instance-3", settings);
        Events.awaitIngested(emulator, 60_000, 300); // minutes on a busy machine: three JVMs start and join the group
        assertThat(killed.isAlive()).as(logs()).isTrue();
        killed.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: nothing committed after its last commit
        long ingestedAtKill = emulator.ingestedCount();
        // what was acknowledged by then but lies at or after its partition's committed offset: its next owner sends it again
        long acknowledgedNotCommitted = acknowledgedAfterCommitted(kafka, topic, placement, devices);
        Events.awaitIngested(emulator, Math.min(150_000, ingestedAtKill + 30_000), 120);
        Process fourth = start("instance-4", settings);

        for (Process run : List.of(first, third, fourth)) {
            assertThat(ChildRun.finishes(run, work, 240)).as(logs()).isTrue();
            assertThat(run.exitValue()).as(logs()).isZero();
        }
        double seconds = (System.nanoTime() - started) / 1e9;

        Events.assertDeliveredInOrder(emulator, devices, perDevice);
        assertThat(kafka.lag(topic + "-group", topic)).isZero();
        String logs = logs();
        // sent again: what was acknowledged but not committed at the kill, at most the killed instance's in-flight window,
        // and what the partitions handed over had settled past their committed offsets
        long resent = emulator.duplicateCount();
        assertThat(resent).as(logs).isLessThanOrEqualTo(acknowledgedNotCommitted + WINDOW + readAgain(logs) + lostWindows(logs));
        System.out.printf("scale-out: %d events in %.1f s (3 instances, one killed at %d ingested, a fourth joining);"
                        + " resent %d (acknowledged, not committed at the kill: %d); hand-overs %s; broker started in %d ms%n",
                emulator.ingestedCount(), seconds, ingestedAtKill, resent, acknowledgedNotCommitted, handOvers(logs),
                kafka.startMillis());
    }

    @Test
    void partitions_handed_over_when_an_instance_joins_and_one_stops_keep_each_device_in_order() throws Exception {
        InJvmKafka kafka = InJvmKafka.broker();
        // answers after 200 ms: a hand-over finds requests on the wire, which it lets finish before it commits
        emulator = AmplitudeEmulator.start(new EmulatorSettings().latency(java.time.Duration.ofMillis(200)));
        String topic = "hand-over";
        int devices = 600;
        int perDevice = 100;
        KafkaTopic.filled(kafka, topic, 12, devices, perDevice);
        Map<String, String> settings = instance(kafka, topic);

        Process stopped = start("instance-1", settings);
        Process second = start("instance-2", settings);
        Events.awaitIngested(emulator, 15_000, 300);
        Process joining = start("instance-3", settings);
        Events.awaitIngested(emulator, 35_000, 300);
        assertThat(stopped.isAlive()).as(logs()).isTrue();
        stopped.destroy(); // SIGTERM: it delivers what it read, commits, and leaves the group

        assertThat(ChildRun.finishes(stopped, work, 120)).as(logs()).isTrue();
        assertThat(stopped.exitValue()).as(logs()).isEqualTo(143);
        for (Process run : List.of(second, joining)) {
            assertThat(ChildRun.finishes(run, work, 240)).as(logs()).isTrue();
            assertThat(run.exitValue()).as(logs()).isZero();
        }

        Events.assertDeliveredInOrder(emulator, devices, perDevice);
        assertThat(kafka.lag(topic + "-group", topic)).isZero();
        String logs = logs();
        List<String> handOvers = handOvers(logs);
        assertThat(handOvers).as("partitions moved to the instance that joined").isNotEmpty();
        long resent = emulator.duplicateCount();
        // a hand-over lets the requests on the wire finish (200 ms here, well within the revoke timeout) and commits the
        // settled prefix: what is sent twice is only what had settled past a moved partition's first unsettled record
        assertThat(resent).as(logs).isLessThanOrEqualTo(readAgain(logs) + lostWindows(logs));
        System.out.printf("hand-over: %d events, resent %d; hand-overs %s%n", emulator.ingestedCount(), resent, handOvers);
    }

    /** Events ingested by now whose offset is at or after the group's committed offset of their partition. */
    private long acknowledgedAfterCommitted(InJvmKafka kafka, String topic, KafkaTopic.Placement placement, int devices)
            throws Exception {
        Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> committed;
        try (var admin = kafka.admin()) {
            committed = admin.listConsumerGroupOffsets(topic + "-group").partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        }
        long count = 0;
        for (int d = 0; d < devices; d++) {
            var at = committed.get(new org.apache.kafka.common.TopicPartition(topic, placement.partitionOfDevice()[d]));
            long from = at == null ? 0 : at.offset();
            for (int seq : Events.seqs(emulator, Events.device(d))) {
                if (placement.offsetOfEvent()[d][seq] >= from) {
                    count++;
                }
            }
        }
        return count;
    }

    /** Each graceful hand-over the instances logged: events left unsent, settled ones read again, how long it took. */
    private static List<String> handOvers(String logs) {
        List<String> found = new ArrayList<>();
        Matcher m = HAND_OVER.matcher(logs);
        while (m.find()) {
            found.add(m.group(1) + " left, " + m.group(2) + " again, " + m.group(3) + " ms");
        }
        return found;
    }

    /** The settled events the hand-overs left to be read again by the next owners. */
    private static long readAgain(String logs) {
        long sum = 0;
        Matcher m = HAND_OVER.matcher(logs);
        while (m.find()) {
            sum += Long.parseLong(m.group(2));
        }
        return sum;
    }

    /**
     * What partitions lost to the group may have sent twice: the settled events read again, and for each loss an
     * in-flight window (a lost partition's requests on the wire are not waited for). None is lost on a quiet machine.
     */
    private static long lostWindows(String logs) {
        long sum = 0;
        Matcher m = LOST.matcher(logs);
        while (m.find()) {
            sum += Long.parseLong(m.group(1)) + WINDOW;
        }
        return sum;
    }
}

package io.ampfill.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ampfill.kafka.InJvmKafka;
import io.ampfill.ledger.CheckpointStore;
import io.ampfill.ledger.JdbcCheckpointStore;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A publish (backfill.sink=kafka) killed with SIGKILL mid-way and run again leaves every event in the topic, in order
 * per device, and the position it had saved never past an event Kafka did not have. What the rerun publishes again is
 * counted: Amplitude drops those by insert_id. The packaged jar runs in a child JVM; the broker is in this one.
 */
class KafkaPublishCrashIT {
    private static final int DEVICES = 1000;
    private static final int PER_DEVICE = 60;
    private static final int FILES = 5;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    @Test
    void a_publish_killed_mid_way_and_run_again_leaves_every_event_in_the_topic_and_no_position_past_kafka()
            throws Exception {
        InJvmKafka kafka = InJvmKafka.broker();
        String topic = "crash-" + UUID.randomUUID().toString().substring(0, 8);
        kafka.createTopic(topic, 12);
        Path inbox = Events.hourlyFiles(work.resolve("data/inbox"), DEVICES, PER_DEVICE, FILES);
        Map<String, String> settings = new HashMap<>();
        settings.put("backfill.sink", "kafka");
        settings.put("backfill.kafka.bootstrap-servers", kafka.bootstrapServers());
        settings.put("backfill.kafka.topic", topic);
        settings.put("backfill.file-min-age", "0s");
        settings.put("backfill.poll-delay", "100ms");
        // small chunks, many acknowledgements, positions saved often: the kill lands between them
        settings.put("backfill.chunk-size", "200");
        settings.put("backfill.checkpoint-interval", "100ms");

        Process run = ChildRun.start(work, settings);
        long killedAt = DEVICES * PER_DEVICE / 4;
        assertThat(runsUntilPublished(run, kafka, topic, killedAt)).as("still publishing%n%s", ChildRun.logs(work)).isTrue();
        run.destroyForcibly(); // SIGKILL: no shutdown hook, no last checkpoint
        assertThat(run.waitFor(30, TimeUnit.SECONDS)).isTrue();

        // every position saved, and every file moved to done, counts only events the topic has
        Set<String> inTopic = new HashSet<>();
        PublishedTopic.read(kafka, topic).records.forEach(r -> inTopic.add(r.device() + "#" + r.seq()));
        List<String> left = FileBackfillTest.files(inbox);
        assertThat(left).as("files left after the kill").isNotEmpty();
        long counted = 0;
        try (CheckpointStore store = JdbcCheckpointStore.open(
                "jdbc:h2:file:" + work.resolve("data/state/ampfill").toAbsolutePath(), "sa", "")) {
            for (String file : left) {
                long position = store.load("file:" + file).map(c -> Long.parseLong(c.sourcePosition())).orElse(0L);
                counted += assertInTopic(inTopic, Files.readAllLines(inbox.resolve(file)).subList(0, (int) position), file);
            }
        }
        for (String file : FileBackfillTest.files(work.resolve("data/done"))) {
            counted += assertInTopic(inTopic, Files.readAllLines(work.resolve("data/done").resolve(file)), file);
        }
        System.out.printf("killed with %d events in the topic; %d counted by the saved positions and the done folder%n",
                inTopic.size(), counted);

        Process rerun = ChildRun.start(work, settings);
        assertThat(ChildRun.finishes(rerun, work, 180)).as("rerun ends%n%s", ChildRun.logs(work)).isTrue();
        assertThat(rerun.exitValue()).as(ChildRun.logs(work)).isZero();

        long twice = PublishedTopic.read(kafka, topic).assertEachAtLeastOnceInOrder(DEVICES, PER_DEVICE, 2);
        System.out.printf("after the kill and the rerun: %d events in the topic, %d of them published twice%n",
                DEVICES * PER_DEVICE + twice, twice);
        assertThat(FileBackfillTest.files(inbox)).isEmpty();
        assertThat(FileBackfillTest.files(work.resolve("data/done"))).hasSize(FILES);
    }

    /** Each line's event is in the topic; returns how many lines. */
    private static long assertInTopic(Set<String> inTopic, List<String> lines, String file) throws Exception {
        for (int i = 0; i < lines.size(); i++) {
            JsonNode event = JSON.readTree(lines.get(i));
            String id = event.path("device_id").asText() + "#" + event.path("event_properties").path("seq").asInt();
            assertThat(inTopic).as("line %d of %s, counted as published, is in the topic", i + 1, file).contains(id);
        }
        return lines.size();
    }

    /** True once the topic holds {@code target} records while the run still runs; false if it ended first. */
    private static boolean runsUntilPublished(Process run, InJvmKafka kafka, String topic, long target) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        try (Admin admin = kafka.admin()) {
            Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
            for (int p = 0; p < 12; p++) {
                ends.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            while (admin.listOffsets(ends).all().get(30, TimeUnit.SECONDS).values().stream().mapToLong(o -> o.offset()).sum() < target) {
                if (run.waitFor(10, TimeUnit.MILLISECONDS) || System.nanoTime() > deadline) {
                    return false;
                }
            }
        }
        return run.isAlive();
    }
}

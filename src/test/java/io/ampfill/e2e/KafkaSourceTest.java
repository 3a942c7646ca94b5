package io.ampfill.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ampfill.emulator.AmplitudeEmulator;
import io.ampfill.emulator.EmulatorSettings;
import io.ampfill.kafka.InJvmKafka;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * backfill.source=kafka, end to end in this JVM: the real routes, a real broker (in this JVM) and the emulator. Every
 * record of the topic arrives once, in order per device, bad ones are dead-lettered by topic, partition and offset, and
 * the group ends with nothing left to read.
 */
class KafkaSourceTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;
    AmplitudeEmulator emulator;
    InJvmKafka kafka;

    @BeforeEach
    void start() {
        kafka = InJvmKafka.broker();
        emulator = AmplitudeEmulator.start(new EmulatorSettings().deviceEps(1000));
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    private Backfill backfill(String topic, String group) throws Exception {
        return new Backfill(work, emulator)
                .set("backfill.source", "kafka")
                .set("backfill.kafka.bootstrap-servers", kafka.bootstrapServers())
                .set("backfill.kafka.topic", topic)
                .set("backfill.kafka.group-id", group)
                .set("backfill.checkpoint-interval", "200ms");
    }

    @Test
    void delivers_a_topic_of_20000_events_of_200_devices_once_in_order_and_commits_it_all() throws Exception {
        KafkaTopic.filled(kafka, "events-a", 4, 200, 100);
        // a bad record among them: not JSON, on device 7's partition, after its events
        KafkaTopic.send(kafka, "events-a", Events.device(7), "{not json");

        Backfill run = backfill("events-a", "group-a");
        assertThat(run.run()).as(run.err + run.log).isZero();

        Events.assertDeliveredInOrder(emulator, 200, 100);
        assertThat(emulator.duplicateCount()).isZero();
        assertThat(kafka.lag("group-a", "events-a")).isZero();
        assertThat(run.report.recordsRead()).isEqualTo(20_001);
        assertThat(run.report.deadLettered()).isEqualTo(1);
        assertThat(run.out).contains("kafka partitions read", "consumer lag", "0 (records of events-a after the group's committed offsets)");
        // named by topic-partition, and the record's offset: the last of its partition
        List<Path> deadLetterFiles;
        try (var files = Files.list(run.deadLetters)) {
            deadLetterFiles = files.toList();
        }
        assertThat(deadLetterFiles).hasSize(1);
        JsonNode deadLetter = JSON.readTree(Files.readAllLines(deadLetterFiles.get(0)).get(0));
        String partition = deadLetter.path("source").asText();
        assertThat(partition).matches("events-a-[0-3]");
        assertThat(deadLetter.path("raw").asText()).isEqualTo("{not json");
        assertThat(deadLetter.path("reason").asText()).startsWith("not valid JSON");
        int p = Integer.parseInt(partition.substring("events-a-".length()));
        try (var admin = kafka.admin()) {
            long end = admin.listOffsets(java.util.Map.of(new org.apache.kafka.common.TopicPartition("events-a", p),
                    org.apache.kafka.clients.admin.OffsetSpec.latest())).all().get().values().iterator().next().offset();
            assertThat(deadLetter.path("line").asLong()).isEqualTo(end - 1);
        }

        // a second run of the group finds nothing new to read
        emulator.reset();
        Backfill again = backfill("events-a", "group-a");
        assertThat(again.run()).as(again.err + again.log).isZero();
        assertThat(again.report.recordsRead()).isZero();
        assertThat(emulator.ingestedCount()).isZero();
    }
}

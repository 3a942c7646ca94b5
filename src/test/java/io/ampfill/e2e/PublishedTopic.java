package io.ampfill.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ampfill.kafka.InJvmKafka;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Every record of a topic, read from the beginning of each partition to its end, as Events wrote them. */
final class PublishedTopic {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Published(int partition, long offset, String key, JsonNode event) {
        String device() {
            return event.path("device_id").asText();
        }

        int seq() {
            return event.path("event_properties").path("seq").asInt(-1);
        }
    }

    final List<Published> records;

    private PublishedTopic(List<Published> records) {
        this.records = records;
    }

    static PublishedTopic read(InJvmKafka kafka, String topic) throws IOException {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<Published> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic)) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                assertThat(System.nanoTime()).as("read the topic to its end within a minute").isLessThan(deadline);
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    records.add(new Published(r.partition(), r.offset(), r.key(), JSON.readTree(r.value())));
                }
            }
        }
        return new PublishedTopic(records);
    }

    /** Each device's events in the order of its partition; the test asserts it has one partition. */
    Map<String, List<Published>> byDevice() {
        Map<String, List<Published>> byDevice = new LinkedHashMap<>();
        records.stream()
                .sorted((a, b) -> a.partition() != b.partition() ? Integer.compare(a.partition(), b.partition())
                        : Long.compare(a.offset(), b.offset()))
                .forEach(r -> byDevice.computeIfAbsent(r.device(), d -> new ArrayList<>()).add(r));
        return byDevice;
    }

    /** Every record is keyed by its device, and each device lives in one partition. */
    void assertKeyedByDevice() {
        Map<String, Set<Integer>> partitions = new HashMap<>();
        for (Published r : records) {
            assertThat(r.key()).as("key of %s", r.event()).isEqualTo(r.device());
            partitions.computeIfAbsent(r.device(), d -> new HashSet<>()).add(r.partition());
        }
        partitions.forEach((device, in) -> assertThat(in).as("partitions of %s", device).hasSize(1));
        assertThat(partitions.values().stream().flatMap(Set::stream).distinct().count())
                .as("devices spread over the partitions").isGreaterThan(1);
    }

    /** Each of the devices has exactly its events 0..perDevice-1 in its partition, once each, in order. */
    void assertEachOnceInOrder(int devices, int perDevice) {
        assertThat(records).hasSize(devices * perDevice);
        assertKeyedByDevice();
        Map<String, List<Published>> byDevice = byDevice();
        assertThat(byDevice).hasSize(devices);
        for (int d = 0; d < devices; d++) {
            List<Integer> seqs = byDevice.get(Events.device(d)).stream().map(Published::seq).toList();
            for (int i = 0; i < perDevice; i++) {
                if (seqs.size() != perDevice || seqs.get(i) != i) {
                    throw new AssertionError(Events.device(d) + " is not in its partition once, in order: " + seqs);
                }
            }
        }
    }

    /**
     * At least once, in order: each device's events 0..perDevice-1 are all there, and where one of the {@code runs}
     * published some again, it did so from an earlier event onwards, in order (so a consumer that skips what it has seen
     * by insert_id gets each event once, in order). Returns how many were published more than once.
     */
    long assertEachAtLeastOnceInOrder(int devices, int perDevice, int runs) {
        assertKeyedByDevice();
        Map<String, List<Published>> byDevice = byDevice();
        assertThat(byDevice).hasSize(devices);
        for (int d = 0; d < devices; d++) {
            List<Integer> seqs = byDevice.get(Events.device(d)).stream().map(Published::seq).toList();
            int next = 0; // the first event not yet seen
            int previous = -1;
            int restarts = 0; // a run starting again from an earlier event
            for (int seq : seqs) {
                if (seq > next) {
                    throw new AssertionError(Events.device(d) + " skipped event " + next + ": " + seqs);
                }
                if (seq != previous + 1) {
                    restarts++;
                }
                previous = seq;
                next = Math.max(next, seq + 1);
            }
            assertThat(restarts).as("a later run starting again, of %s: %s", Events.device(d), seqs).isLessThan(runs);
            assertThat(next).as("events of %s", Events.device(d)).isEqualTo(perDevice);
        }
        Set<String> insertIds = new HashSet<>();
        records.forEach(r -> insertIds.add(r.event().path("insert_id").asText()));
        assertThat(insertIds).hasSize(devices * perDevice);
        return records.size() - (long) devices * perDevice;
    }
}

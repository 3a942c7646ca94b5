package io.ampfill.e2e;

import io.ampfill.kafka.InJvmKafka;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import org.apache.kafka.clients.producer.RecordMetadata;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** A topic of the in-JVM broker filled as a user's producers would: each device's events keyed by the device, in time order. */
final class KafkaTopic {
    private KafkaTopic() {
    }

    /** Where each event went: its device's partition, and its offset there. */
    record Placement(int[] partitionOfDevice, long[][] offsetOfEvent) {
    }

    /**
     * Creates the topic and writes {@code perDevice} events of each of {@code devices} devices (Events' lines, seq-major),
     * each acknowledged; returns where each went.
     */
    static Placement filled(InJvmKafka kafka, String topic, int partitions, int devices, int perDevice) throws Exception {
        kafka.createTopic(topic, partitions);
        List<Future<RecordMetadata>> sent = new ArrayList<>(devices * perDevice);
        try (KafkaProducer<String, String> producer = kafka.producer()) {
            for (int seq = 0; seq < perDevice; seq++) {
                for (int d = 0; d < devices; d++) {
                    sent.add(producer.send(new ProducerRecord<>(topic, Events.device(d), Events.ndjsonLine(d, seq))));
                }
            }
            producer.flush();
        }
        int[] partitionOf = new int[devices];
        long[][] offsetOf = new long[devices][perDevice];
        for (int i = 0; i < sent.size(); i++) {
            RecordMetadata at = sent.get(i).get();
            partitionOf[i % devices] = at.partition();
            offsetOf[i % devices][i / devices] = at.offset();
        }
        return new Placement(partitionOf, offsetOf);
    }

    /** Writes one record with this key and value (null: a tombstone) and waits for its acknowledgement. */
    static void send(InJvmKafka kafka, String topic, String key, String value) throws Exception {
        try (KafkaProducer<String, String> producer = kafka.producer()) {
            producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        }
    }
}

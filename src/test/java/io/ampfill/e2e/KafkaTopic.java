package io.ampfill.e2e;

import io.ampfill.kafka.InJvmKafka;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.util.concurrent.TimeUnit;

/** A topic of the in-JVM broker filled as a user's producers would: each device's events keyed by the device, in time order. */
final class KafkaTopic {
    private KafkaTopic() {
    }

    /** Creates the topic and writes {@code perDevice} events of each of {@code devices} devices (Events' lines), acknowledged. */
    static void filled(InJvmKafka kafka, String topic, int partitions, int devices, int perDevice) throws Exception {
        kafka.createTopic(topic, partitions);
        try (KafkaProducer<String, String> producer = kafka.producer()) {
            for (int seq = 0; seq < perDevice; seq++) {
                for (int d = 0; d < devices; d++) {
                    producer.send(new ProducerRecord<>(topic, Events.device(d), Events.ndjsonLine(d, seq)));
                }
            }
            producer.flush();
        }
    }

    /** Writes one record with this key and value (null: a tombstone) and waits for its acknowledgement. */
    static void send(InJvmKafka kafka, String topic, String key, String value) throws Exception {
        try (KafkaProducer<String, String> producer = kafka.producer()) {
            producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        }
    }
}

package io.ampfill.kafka;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

class InJvmKafkaTest {

    @Test
    void a_group_consumes_what_was_produced_in_order_and_ends_with_lag_zero() throws Exception {
        InJvmKafka kafka = InJvmKafka.broker();
        kafka.createTopic("smoke", 1);
        try (KafkaProducer<String, String> producer = kafka.producer()) {
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>("smoke", "device-1", "event-" + i)).get();
            }
        }
        Properties props = new Properties();
        props.putAll(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "smoke-group",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()));
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of("smoke"));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < 5 && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
            }
            assertThat(kafka.lag("smoke-group", "smoke")).isEqualTo(5);
            consumer.commitSync();
        }
        assertThat(values).containsExactly("event-0", "event-1", "event-2", "event-3", "event-4");
        assertThat(kafka.lag("smoke-group", "smoke")).isZero();
    }
}

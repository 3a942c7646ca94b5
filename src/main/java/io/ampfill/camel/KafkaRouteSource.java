package io.ampfill.camel;

import io.ampfill.source.kafka.KafkaSource;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaClientFactory;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;

import java.util.Properties;

/**
 * The Kafka route's side of the {@link KafkaSource}: camel-kafka's client factory (the route's
 * {@code kafkaClientFactory}), so that the consumer it polls with is the source's, which commits only settled offsets;
 * and the route's first step, which turns the exchange's record into its partition's source record, the unit riding
 * on the exchange to the intake.
 */
public final class KafkaRouteSource implements KafkaClientFactory {
    private final KafkaSource source;

    public KafkaRouteSource(KafkaSource source) {
        this.source = source;
    }

    @Override
    public Producer getProducer(Properties kafkaProps) {
        return new KafkaProducer<>(kafkaProps);
    }

    @Override
    public Consumer getConsumer(Properties kafkaProps) {
        return source.consumer(kafkaProps);
    }

    @Override
    public String getBrokers(KafkaConfiguration configuration) {
        return configuration.getBrokers();
    }

    /** The body becomes a list of one source record; property {@link SettledGate#UNIT}: its partition's unit. */
    public void read(Exchange exchange) {
        Message message = exchange.getMessage();
        KafkaSource.Read read = source.read(message.getHeader(KafkaConstants.TOPIC, String.class),
                message.getHeader(KafkaConstants.PARTITION, Integer.class), message.getHeader(KafkaConstants.OFFSET, Long.class),
                message.getBody(byte[].class));
        message.setBody(read.records());
        exchange.setProperty(SettledGate.UNIT, read.unit());
    }
}

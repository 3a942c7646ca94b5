package io.ampfill.source.kafka;

import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;

import java.time.Duration;
import java.util.Collection;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The Kafka consumer camel-kafka polls with (handed to it by {@link KafkaSource}, its client factory), with ampfill's
 * hooks on the consumer's own thread, where Kafka allows commits: before each poll, the settled prefix of each partition
 * is committed when due, and whether the group has caught up is looked at; around a rebalance, a partition leaving is
 * released as {@link PartitionOwner} says. camel-kafka itself commits nothing (autoCommitEnable=false, no manual commit
 * factory: its commit manager is a no-op): it would commit the offset of the last record processed, which for ampfill
 * is only handed to the lanes, not yet acknowledged.
 */
final class SettlingConsumer extends KafkaConsumer<Object, Object> {
    private final PartitionOwner owner;

    SettlingConsumer(Properties props, KafkaSource source) {
        super(props);
        this.owner = new PartitionOwner(source, this);
    }

    @Override
    public ConsumerRecords<Object, Object> poll(Duration timeout) {
        owner.beforePoll();
        ConsumerRecords<Object, Object> records = super.poll(timeout);
        owner.afterPoll(records.count());
        return records;
    }

    @Override
    public void subscribe(Collection<String> topics, ConsumerRebalanceListener camels) {
        super.subscribe(topics, owner.around(camels));
    }

    @Override
    public void subscribe(Pattern pattern, ConsumerRebalanceListener camels) {
        super.subscribe(pattern, owner.around(camels));
    }

    @Override
    public void unsubscribe() {
        owner.releaseAll();
        super.unsubscribe();
    }

    @Override
    public void close() {
        owner.releaseAll();
        super.close();
    }

    @Override
    public void close(Duration timeout) {
        owner.releaseAll();
        super.close(timeout);
    }
}

package io.ampfill.source.kafka;

import io.ampfill.delivery.EventOrigin;
import io.ampfill.ledger.AckLedger;
import io.ampfill.ledger.SourceUnit;
import io.ampfill.source.FileSource;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaClientFactory;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * A Kafka topic as ampfill's source (backfill.source=kafka): the kafka route's consumer, one of a group of instances,
 * reads the partitions the group gives it. Each partition is a source unit whose ordinals are its offsets; its offset
 * is committed only up to its settled prefix (see {@link PartitionOwner}). This bean is camel-kafka's client factory
 * (the route's {@code kafkaClientFactory}), so that the consumer it polls with is a {@link SettlingConsumer}, and the
 * route's first step ({@link #read}).
 */
public final class KafkaSource implements KafkaClientFactory {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaSource.class);

    /** The delivery lanes, as far as a source that gives a partition away needs them. */
    public interface Lanes {
        /** Takes an origin's events out of the lanes; returns how many were dropped so far. */
        long withdraw(EventOrigin origin);

        /** How many of a withdrawn origin's events were dropped so far. */
        long droppedOf(EventOrigin origin);
    }

    /** The settings of backfill.kafka.* and the run's that the source follows. */
    public record Settings(String topic, Duration commitInterval, Duration revokeTimeout, Duration shutdownTimeout,
                           boolean commits) {
    }

    private final Settings settings;
    private final AckLedger ledger;
    private final Lanes lanes;
    private final Runnable beforeCommit;
    private final BooleanSupplier stopping;
    private final Runnable caughtUp;
    private final Map<TopicPartition, SourceUnit> units = new ConcurrentHashMap<>();
    private final Set<String> partitionsRead = ConcurrentHashMap.newKeySet();
    private final AtomicLong movedAway = new AtomicLong();
    private final AtomicLong withdrawnEvents = new AtomicLong();
    private final AtomicLong rebalanceNanos = new AtomicLong();
    private volatile long lag = -1;

    /**
     * @param beforeCommit makes the dead letters durable before an offset is committed
     * @param caughtUp     the group has committed the whole topic: a run-once ends
     */
    public KafkaSource(Settings settings, AckLedger ledger, Lanes lanes, Runnable beforeCommit, BooleanSupplier stopping,
                       Runnable caughtUp) {
        this.settings = settings;
        this.ledger = ledger;
        this.lanes = lanes;
        this.beforeCommit = beforeCommit;
        this.stopping = stopping;
        this.caughtUp = caughtUp;
    }

    // ---- camel-kafka's client factory ----

    @Override
    public Producer getProducer(Properties kafkaProps) {
        return new KafkaProducer<>(kafkaProps);
    }

    @Override
    public Consumer getConsumer(Properties kafkaProps) {
        return new SettlingConsumer(kafkaProps, this);
    }

    @Override
    public String getBrokers(KafkaConfiguration configuration) {
        return configuration.getBrokers();
    }

    // ---- the route's step ----

    /**
     * The record of the exchange as a source record of its partition's unit (body: a list of one record; property
     * {@link FileSource#UNIT}: the unit), for the event intake. Its offset is its ordinal; offsets skipped count as settled.
     */
    public void read(Exchange exchange) {
        Message message = exchange.getMessage();
        String topic = message.getHeader(KafkaConstants.TOPIC, String.class);
        int partition = message.getHeader(KafkaConstants.PARTITION, Integer.class);
        long offset = message.getHeader(KafkaConstants.OFFSET, Long.class);
        SourceUnit unit = units.get(new TopicPartition(topic, partition));
        if (unit == null) {
            throw new IllegalStateException("a record of " + topic + "-" + partition + " (offset " + offset
                    + ") came while the partition is not assigned to this instance");
        }
        unit.skipTo(offset);
        message.setBody(List.of(KafkaRecordValue.of(offset, message.getBody(byte[].class))));
        exchange.setProperty(FileSource.UNIT, unit);
    }

    // ---- for the partition owners ----

    /** A partition assigned here, read from {@code position}: its unit, named topic-partition in dead letters. */
    SourceUnit opened(TopicPartition tp, long position) {
        SourceUnit unit = ledger.openAt(tp.toString(), position);
        units.put(tp, unit);
        partitionsRead.add(tp.toString());
        return unit;
    }

    /** A partition gone from here; {@code orderly}: revoked (its settled prefix committed), else lost. */
    void released(TopicPartition tp, SourceUnit unit, boolean orderly, long tookNanos) {
        units.remove(tp, unit);
        ledger.close(unit);
        long dropped = lanes.droppedOf(unit);
        withdrawnEvents.addAndGet(dropped);
        if (!stopping.getAsBoolean()) {
            movedAway.incrementAndGet();
            rebalanceNanos.accumulateAndGet(tookNanos, Math::max);
            LOG.info("{} {} at offset {}: {} events read but not sent are left to its next owner ({} ms)", tp,
                    orderly ? "moved to another instance" : "was lost to the group", unit.committedOrdinal(), dropped,
                    tookNanos / 1_000_000);
        }
    }

    void withdraw(SourceUnit unit) {
        lanes.withdraw(unit);
    }

    long droppedOf(SourceUnit unit) {
        return lanes.droppedOf(unit);
    }

    void beforeCommit() {
        beforeCommit.run();
    }

    void lagSeen(long lag) {
        this.lag = lag;
    }

    /** The group's lag as this consumer leaves, for the report; a broker that cannot be asked leaves the last one seen. */
    void finalLag(LongSupplier lag) {
        try {
            this.lag = lag.getAsLong();
        } catch (RuntimeException unknown) {
            LOG.debug("the group's lag could not be read at the end: {}", unknown.getMessage());
        }
    }

    void caughtUp() {
        caughtUp.run();
    }

    boolean stopping() {
        return stopping.getAsBoolean();
    }

    boolean commits() {
        return settings.commits();
    }

    String topic() {
        return settings.topic();
    }

    Duration commitInterval() {
        return settings.commitInterval();
    }

    Duration revokeTimeout() {
        return settings.revokeTimeout();
    }

    Duration shutdownTimeout() {
        return settings.shutdownTimeout();
    }

    /** This instance's lines of the run report: the partitions it read, what moved away, the group's lag. */
    public Map<String, String> reportLines() {
        Map<String, String> lines = new LinkedHashMap<>();
        Set<String> read = new TreeSet<>(partitionsRead);
        lines.put("kafka partitions read", read.size() + (read.isEmpty() ? "" : " (" + String.join(", ", read) + ")"));
        if (movedAway.get() > 0) {
            lines.put("  moved to other instances", movedAway.get() + " (longest hand-over "
                    + rebalanceNanos.get() / 1_000_000 + " ms)");
        }
        if (withdrawnEvents.get() > 0) {
            lines.put("  left to their next owner", withdrawnEvents.get() + " events read, not sent");
        }
        long seen = lag;
        lines.put("consumer lag", seen < 0 ? "unknown" : seen + (settings.commits()
                ? " (records of " + settings.topic() + " after the group's committed offsets)"
                : " (dry run: nothing committed; records after what was delivered)"));
        return lines;
    }
}

package io.ampfill.source.kafka;

import io.ampfill.delivery.EventOrigin;
import io.ampfill.ledger.AckLedger;
import io.ampfill.ledger.SourceUnit;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a consumer commits and does around a rebalance, on Kafka's MockConsumer: a partition's offset never passes its
 * first record not yet settled, and a partition leaving is taken out of the lanes before its settled prefix is committed.
 */
class PartitionOwnerTest {
    private static final TopicPartition P0 = new TopicPartition("events", 0);
    private static final TopicPartition P1 = new TopicPartition("events", 1);

    private final MockConsumer<Object, Object> consumer = new MockConsumer<>(OffsetResetStrategy.EARLIEST);
    private final AckLedger ledger = new AckLedger();
    private final List<EventOrigin> withdrawn = new ArrayList<>();
    /** What the lanes say they dropped of each withdrawn origin. */
    private final Map<EventOrigin, Long> dropped = new HashMap<>();
    private boolean stopping;
    private int caughtUp;
    private KafkaSource source;
    private PartitionOwner owner;
    private ConsumerRebalanceListener listener;

    @BeforeEach
    void assignTwoPartitions() {
        source = new KafkaSource(new KafkaSource.Settings("events", Duration.ZERO, Duration.ofMillis(50), Duration.ofMillis(50), true),
                ledger, new KafkaSource.Lanes() {
                    @Override
                    public long withdraw(EventOrigin origin) {
                        withdrawn.add(origin);
                        return dropped.getOrDefault(origin, 0L);
                    }

                    @Override
                    public long droppedOf(EventOrigin origin) {
                        return dropped.getOrDefault(origin, 0L);
                    }
                }, () -> { }, () -> stopping, () -> caughtUp++);
        owner = new PartitionOwner(source, consumer);
        listener = owner.around(new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            }
        });
        consumer.assign(List.of(P0, P1));
        consumer.updateBeginningOffsets(Map.of(P0, 100L, P1, 0L));
        consumer.updateEndOffsets(Map.of(P0, 110L, P1, 0L));
        listener.onPartitionsAssigned(List.of(P0, P1));
    }

    private SourceUnit read(TopicPartition tp, long offset) {
        SourceUnit unit = unitOf(tp);
        unit.skipTo(offset);
        unit.nextOrdinal();
        return unit;
    }

    private SourceUnit unitOf(TopicPartition tp) {
        return source.unitOf(tp);
    }

    @Test
    void commits_each_partition_up_to_its_first_record_not_yet_settled() {
        for (long offset = 100; offset < 110; offset++) {
            read(P0, offset);
        }
        SourceUnit unit = unitOf(P0);
        for (long settled : new long[] {100, 101, 102, 105, 106}) {
            unit.settle(settled);
        }

        owner.beforePoll();
        assertThat(consumer.committed(java.util.Set.of(P0)).get(P0).offset()).isEqualTo(103);
        assertThat(consumer.committed(java.util.Set.of(P1)).get(P1)).isNull(); // nothing read there: nothing to commit

        unit.settle(103);
        unit.settle(104);
        owner.beforePoll();
        assertThat(consumer.committed(java.util.Set.of(P0)).get(P0).offset()).isEqualTo(107);
    }

    @Test
    void a_partition_revoked_is_taken_out_of_the_lanes_and_its_settled_prefix_committed() {
        for (long offset = 100; offset < 110; offset++) {
            read(P0, offset);
        }
        SourceUnit unit = unitOf(P0);
        unit.settle(100);
        unit.settle(101);
        unit.settle(104);
        // the lanes dropped the 7 events of it they still held: nothing of it is on the wire
        dropped.put(unit, 7L);

        listener.onPartitionsRevoked(List.of(P0));

        assertThat(withdrawn).containsExactly(unit);
        assertThat(consumer.committed(java.util.Set.of(P0)).get(P0).offset()).isEqualTo(102);
        assertThat(source.unitOf(P0)).isNull();
        assertThat(source.reportLines()).containsKeys("  moved to other instances", "  left to their next owner")
                .containsEntry("  left to their next owner", "7 events read, not sent");
        // the other partition goes on
        assertThat(source.unitOf(P1)).isNotNull();
    }

    @Test
    void a_partition_lost_commits_nothing() {
        read(P0, 100);
        unitOf(P0).settle(100);

        listener.onPartitionsLost(List.of(P0));

        assertThat(withdrawn).hasSize(1);
        assertThat(consumer.committed(java.util.Set.of(P0)).get(P0)).isNull();
    }

    @Test
    void a_run_once_ends_when_the_group_has_committed_the_whole_topic() {
        for (long offset = 100; offset < 110; offset++) {
            read(P0, offset).settle(offset);
        }
        owner.afterPoll(0);
        owner.beforePoll();

        assertThat(consumer.committed(java.util.Set.of(P0)).get(P0).offset()).isEqualTo(110);
        assertThat(caughtUp).isEqualTo(1);
        assertThat(source.reportLines().get("consumer lag")).startsWith("0 ");
    }

    @Test
    void a_run_once_goes_on_while_a_record_is_unsettled() {
        read(P0, 100);
        owner.afterPoll(0);
        owner.beforePoll();

        assertThat(caughtUp).isZero();
    }
}

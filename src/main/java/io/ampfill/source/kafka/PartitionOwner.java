package io.ampfill.source.kafka;

import io.ampfill.ledger.SourceUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The partitions one Kafka consumer owns, each a source unit whose ordinals are the partition's offsets, and what
 * happens to them; used on the consumer's thread only (Kafka's rule for commits and rebalance callbacks).
 *
 * <ul>
 * <li>Assigned: the unit starts at the consumer's position, the group's committed offset (else the earliest).</li>
 * <li>Before each poll, every {@code checkpoint-interval}: each unit's settled prefix is committed (the offset of its
 * first record not yet acknowledged or dead-lettered), never further; the dead letters are on disk first.</li>
 * <li>Revoked (it moves to another instance): its events not yet sent are taken out of the lanes, those in flight have up
 * to {@code revoke-timeout} to be answered, the settled prefix is committed, and the new owner reads on from there.
 * Stopping (Ctrl-C, SIGTERM, a run-once done): what was read has up to {@code shutdown-timeout} to be delivered first.
 * Lost (this instance was too slow to answer the group, which gave the partition away): nothing can be committed; its
 * events are taken out of the lanes.</li>
 * </ul>
 */
final class PartitionOwner {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionOwner.class);

    private final KafkaSource source;
    private final Consumer<?, ?> consumer;
    private final Map<TopicPartition, Owned> owned = new HashMap<>();
    private long nextCommitAt = System.nanoTime();
    private long nextLagCheckAt = System.nanoTime();
    private boolean assigned;
    private boolean lastPollEmpty;

    /** A partition owned now: its unit, and the offset last committed for it (-1: none by this owner). */
    private static final class Owned {
        final SourceUnit unit;
        long committed = -1;

        Owned(SourceUnit unit) {
            this.unit = unit;
        }
    }

    PartitionOwner(KafkaSource source, Consumer<?, ?> consumer) {
        this.source = source;
        this.consumer = consumer;
    }

    /** The rebalance listener the consumer subscribes with: ampfill's steps, then camel-kafka's own. */
    ConsumerRebalanceListener around(ConsumerRebalanceListener camels) {
        return new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                release(partitions, true);
                camels.onPartitionsRevoked(partitions);
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                assign(partitions);
                camels.onPartitionsAssigned(partitions);
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                release(partitions, false);
                camels.onPartitionsLost(partitions);
            }
        };
    }

    void beforePoll() {
        long now = System.nanoTime();
        if (now - nextCommitAt >= 0) {
            nextCommitAt = now + source.commitInterval().toNanos();
            commitSettled(false);
        }
        if (lastPollEmpty && assigned && now - nextLagCheckAt >= 0) {
            nextLagCheckAt = now + source.commitInterval().toNanos();
            lookWhetherCaughtUp();
        }
    }

    void afterPoll(int records) {
        lastPollEmpty = records == 0;
    }

    private void assign(Collection<TopicPartition> partitions) {
        assigned = true;
        for (TopicPartition tp : partitions) {
            long position = consumer.position(tp); // the committed offset, else the earliest (auto.offset.reset)
            SourceUnit unit = source.opened(tp, position);
            owned.put(tp, new Owned(unit));
            LOG.info("reading {} from offset {}", tp, position);
        }
    }

    /** Every partition owned goes (the consumer unsubscribes or closes): as on a revoke. */
    void releaseAll() {
        if (!owned.isEmpty()) {
            release(List.copyOf(owned.keySet()), true);
        }
        source.finalLag(this::groupLag);
    }

    private void release(Collection<TopicPartition> partitions, boolean orderly) {
        List<Map.Entry<TopicPartition, Owned>> leaving = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            Owned o = owned.remove(tp);
            if (o != null) {
                leaving.add(Map.entry(tp, o));
            }
        }
        if (leaving.isEmpty()) {
            return;
        }
        long started = System.nanoTime();
        if (orderly && source.stopping()) {
            // stopping, not moving: deliver what was read, as the other sources do, then take the rest out
            awaitSettled(leaving, source.shutdownTimeout().toNanos(), false);
        }
        for (Map.Entry<TopicPartition, Owned> leave : leaving) {
            source.withdraw(leave.getValue().unit);
        }
        if (orderly) {
            // the requests on the wire are answered (or the time is up): the settled prefix is final
            awaitSettled(leaving, source.revokeTimeout().toNanos(), true);
            Map<TopicPartition, Owned> commit = new HashMap<>();
            leaving.forEach(e -> commit.put(e.getKey(), e.getValue()));
            commit(commit, true);
        }
        for (Map.Entry<TopicPartition, Owned> leave : leaving) {
            source.released(leave.getKey(), leave.getValue().unit, orderly, System.nanoTime() - started);
        }
    }

    /**
     * Waits, at most {@code nanos}, until none of the leaving units' events is unsettled (or, once withdrawn, none is on
     * the wire). A short sleep in a loop: this runs inside Kafka's rebalance callback on the consumer's thread, which
     * must return within the group's rebalance timeout anyway, and only the lanes know when an answer comes.
     */
    private void awaitSettled(List<Map.Entry<TopicPartition, Owned>> leaving, long nanos, boolean withdrawn) {
        long deadline = System.nanoTime() + nanos;
        for (Map.Entry<TopicPartition, Owned> leave : leaving) {
            SourceUnit unit = leave.getValue().unit;
            while (unit.outstanding() > (withdrawn ? source.droppedOf(unit) : 0) && System.nanoTime() - deadline < 0) {
                try {
                    TimeUnit.MILLISECONDS.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void commitSettled(boolean sync) {
        if (!owned.isEmpty()) {
            commit(owned, sync);
        }
    }

    /** Commits each unit's settled prefix that moved since its last commit. */
    private void commit(Map<TopicPartition, Owned> units, boolean sync) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        units.forEach((tp, o) -> {
            long at = o.unit.committedOrdinal();
            if (at > o.committed) {
                offsets.put(tp, new OffsetAndMetadata(at));
            }
        });
        if (offsets.isEmpty()) {
            return;
        }
        if (source.commits()) {
            source.beforeCommit(); // the dead letters of what is committed are on disk first
            try {
                if (sync) {
                    consumer.commitSync(offsets);
                } else {
                    consumer.commitAsync(offsets, (done, failed) -> {
                        if (failed != null) {
                            commitFailed(done.keySet(), failed);
                        }
                    });
                }
            } catch (RuntimeException failed) {
                commitFailed(offsets.keySet(), failed);
                return;
            }
        }
        offsets.forEach((tp, offset) -> units.get(tp).committed = offset.offset());
    }

    /** Not committed this time: the next commit tries again (a crash meanwhile resends from the older offset). */
    private void commitFailed(Set<TopicPartition> partitions, Exception failed) {
        LOG.warn("could not commit the offsets of {} ({}); the next commit tries again", partitions, failed.getMessage());
        for (TopicPartition tp : partitions) {
            Owned o = owned.get(tp);
            if (o != null) {
                o.committed = -1;
            }
        }
    }

    /**
     * After a poll that found nothing: when every record read here is settled and committed, and the whole group has
     * committed every partition of the topic to its end, a run-once is done.
     */
    private void lookWhetherCaughtUp() {
        for (Owned o : owned.values()) {
            if (o.unit.outstanding() > 0) {
                return;
            }
        }
        commitSettled(true);
        long lag = groupLag();
        source.lagSeen(lag);
        if (lag == 0) {
            source.caughtUp();
        }
    }

    /**
     * Records of the topic after the group's committed offsets, over every partition (those of other instances too); in
     * a dry run, which commits nothing, after this consumer's settled prefixes, over its own partitions only.
     */
    long groupLag() {
        List<TopicPartition> partitions = new ArrayList<>();
        if (source.commits()) {
            for (PartitionInfo p : consumer.partitionsFor(source.topic())) {
                partitions.add(new TopicPartition(p.topic(), p.partition()));
            }
        } else {
            partitions.addAll(owned.keySet());
        }
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        Map<TopicPartition, OffsetAndMetadata> committed = source.commits()
                ? consumer.committed(Set.copyOf(partitions)) : Map.of();
        Map<TopicPartition, Long> starts = consumer.beginningOffsets(partitions);
        long lag = 0;
        for (TopicPartition tp : partitions) {
            long at;
            if (!source.commits()) {
                at = owned.get(tp).unit.committedOrdinal();
            } else {
                OffsetAndMetadata c = committed.get(tp);
                at = c != null ? c.offset() : starts.getOrDefault(tp, 0L);
            }
            lag += Math.max(0, ends.getOrDefault(tp, 0L) - at);
        }
        return lag;
    }
}

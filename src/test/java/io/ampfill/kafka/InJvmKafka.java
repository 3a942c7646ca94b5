package io.ampfill.kafka;

import kafka.testkit.KafkaClusterTestKit;
import kafka.testkit.TestKitNodes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.server.common.MetadataVersion;
import org.junit.jupiter.api.Assumptions;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A real single-node Kafka broker (KRaft, one combined broker and controller) inside the test JVM, started once and
 * shared by every test of the JVM: no Docker, no server to install. Child JVMs reach it at {@link #bootstrapServers()}.
 * A test calls {@link #broker()}; where the broker cannot start, the test is skipped with the reason (on CI it starts).
 */
public final class InJvmKafka {
    private static InJvmKafka shared;
    private static Throwable failedToStart;

    private final KafkaClusterTestKit cluster;
    private final long startMillis;

    private InJvmKafka(KafkaClusterTestKit cluster, long startMillis) {
        this.cluster = cluster;
        this.startMillis = startMillis;
    }

    /** The JVM's broker, started on first use; skips the calling test (a JUnit assumption) if it cannot start. */
    public static synchronized InJvmKafka broker() {
        if (shared == null && failedToStart == null) {
            try {
                // not closed at the JVM's end: a broker closing in a shutdown hook on a busy machine outlasted the time
                // surefire gives a test JVM to exit, which then failed the build; the test kit deletes its folders itself
                shared = start();
            } catch (Exception | LinkageError e) {
                failedToStart = e;
            }
        }
        Assumptions.assumeTrue(shared != null,
                () -> "skipped: the in-JVM Kafka broker could not start: " + failedToStart);
        return shared;
    }

    private static InJvmKafka start() throws Exception {
        long started = System.nanoTime();
        KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                // the test kit defaults to the newest metadata version, features still in testing included
                .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
                .build())
                // one broker: the internal topics cannot have more replicas, and need not have Kafka's 50 partitions
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("offsets.topic.num.partitions", "4")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("transaction.state.log.num.partitions", "4")
                // a group's first member starts at once instead of waiting 3 s for others to join
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                // a test may find a killed consumer in a second or two (Kafka's least is 6 s)
                .setConfigProp("group.min.session.timeout.ms", "1000")
                .setConfigProp("auto.create.topics.enable", "false")
                .build();
        try {
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
        } catch (Exception | LinkageError e) {
            cluster.close();
            throw e;
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        System.out.println("in-JVM Kafka broker at " + cluster.bootstrapServers() + ", started in " + millis + " ms");
        return new InJvmKafka(cluster, millis);
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** How long the broker took to start, for a test's report of its own figures. */
    public long startMillis() {
        return startMillis;
    }

    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
    }

    /** Creates {@code topic} with {@code partitions} partitions (one replica) and waits until it exists. */
    public void createTopic(String topic, int partitions) throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
            // the controller has it now; the broker, which clients ask, may learn of it a moment later
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                try {
                    admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS);
                    return;
                } catch (java.util.concurrent.ExecutionException notYet) {
                    if (!(notYet.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)
                            || System.nanoTime() > deadline) {
                        throw notYet;
                    }
                    Thread.sleep(20);
                }
            }
        }
    }

    /** A producer of string keys and values that waits for the broker's acknowledgement of every record. */
    public KafkaProducer<String, String> producer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        // one request in flight keeps a partition's records in order through retries without the idempotent producer,
        // whose sequence numbers this single-node test broker refused in a loop (OUT_OF_ORDER_SEQUENCE_NUMBER) after
        // the first sends to a topic just made had met NOT_LEADER_OR_FOLLOWER: the topic was never filled
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        // a broker in a busy test JVM may take minutes to take a few hundred thousand records
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "600000");
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "300000");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(props);
    }

    /** The group's lag over the whole topic: records of each partition after the group's committed offset. */
    public long lag(String group, String topic) throws Exception {
        try (Admin admin = admin()) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(topic).partitions().size();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            Map<TopicPartition, Long> ends = admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS)
                    .entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
            Function<TopicPartition, Long> at = tp -> {
                OffsetAndMetadata c = committed.get(tp);
                return c == null ? 0L : c.offset();
            };
            return ends.entrySet().stream().mapToLong(e -> e.getValue() - at.apply(e.getKey())).sum();
        }
    }

}

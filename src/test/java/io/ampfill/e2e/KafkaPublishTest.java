package io.ampfill.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ampfill.emulator.AmplitudeEmulator;
import io.ampfill.emulator.EmulatorSettings;
import io.ampfill.kafka.InJvmKafka;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * backfill.sink=kafka: the drop folder and a database table published into a 12-partition topic of the in-JVM broker,
 * through the real routes. Every valid event is in the topic once, keyed by its device, in order per device within its
 * partition; bad records are dead-lettered as they are when sending to Amplitude. A published topic read by two
 * instances of the Kafka source reaches Amplitude once, in order per device.
 */
class KafkaPublishTest {
    private static final int PARTITIONS = 12;
    private static final int DEVICES = 300;
    private static final int PER_DEVICE = 40;

    @TempDir
    Path work;
    InJvmKafka kafka;
    String topic = "events-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void topic() throws Exception {
        kafka = InJvmKafka.broker();
        kafka.createTopic(topic, PARTITIONS);
    }

    @Test
    void a_folder_is_published_once_keyed_by_device_in_order_per_device_and_its_bad_lines_are_dead_lettered() throws Exception {
        // several chunks a file: a file's later chunks must not pass the next file's first one
        Path reportFile = work.resolve("report.json");
        Backfill publish = publishing(new Backfill(work, null)).set("backfill.chunk-size", "500")
                .set("backfill.report-file", reportFile.toString());
        List<String> parts = Events.timeOrderedFiles(DEVICES, PER_DEVICE, 4);
        publish.drop("hour-00.ndjson", "this line is not JSON\n" + parts.get(0));
        publish.drop("hour-01.ndjson", parts.get(1));
        publish.drop("hour-02.ndjson", parts.get(2) + "{\"event_type\":\"Played Song\",\"time\":1700000000000}\n");
        publish.drop("hour-03.ndjson", parts.get(3).replaceFirst("\n", "\n[1, 2\n"));

        assertThat(publish.run()).as(publish.err).isZero();

        PublishedTopic.read(kafka, topic).assertEachOnceInOrder(DEVICES, PER_DEVICE);
        assertThat(publish.report.published()).isEqualTo((long) DEVICES * PER_DEVICE);
        assertThat(publish.report.deadLettered()).isEqualTo(3);
        assertThat(FileBackfillTest.files(publish.deadLetters)).containsExactly("hour-00.ndjson.rejected.ndjson",
                "hour-02.ndjson.rejected.ndjson", "hour-03.ndjson.rejected.ndjson");
        assertThat(Files.readString(publish.deadLetters.resolve("hour-00.ndjson.rejected.ndjson")))
                .contains("this line is not JSON").contains("\"line\":1");
        assertThat(FileBackfillTest.files(publish.inbox)).isEmpty();
        assertThat(FileBackfillTest.files(publish.done)).hasSize(4);
        assertThat(publish.out).contains("ampfill report (published to Kafka topic " + topic + " at " + kafka.bootstrapServers() + ")")
                .containsPattern("events published +" + DEVICES * PER_DEVICE + "\n")
                .doesNotContain("requests");
        // the JSON report says what the printed one says
        JsonNode json = new ObjectMapper().readTree(reportFile.toFile());
        assertThat(json.get("mode").asText()).startsWith("published to Kafka topic " + topic);
        assertThat(json.get("events_published").asLong()).isEqualTo((long) DEVICES * PER_DEVICE);
        assertThat(json.get("events_delivered").asLong()).as("nothing went to Amplitude").isZero();
        assertThat(json.get("dead_lettered").asLong()).isEqualTo(3);
        assertThat(json.get("events_per_second").asDouble()).as("of the events published").isPositive();
    }

    @Test
    void a_published_folder_read_by_two_instances_reaches_amplitude_once_in_order_per_device() throws Exception {
        Backfill publish = publishing(new Backfill(work.resolve("publisher"), null));
        List<String> parts = Events.timeOrderedFiles(DEVICES, PER_DEVICE, 3);
        for (int i = 0; i < parts.size(); i++) {
            publish.drop("hour-0" + i + ".ndjson", parts.get(i));
        }
        assertThat(publish.run()).as(publish.err).isZero();

        AmplitudeEmulator emulator = AmplitudeEmulator.start(new EmulatorSettings());
        try {
            String group = "deliver-" + topic;
            // paced at 10 events/s per device, each device's 40 events take 4 s: long enough for both instances to join
            Backfill a = reading(new Backfill(work.resolve("a"), emulator), group);
            Backfill b = reading(new Backfill(work.resolve("b"), emulator), group);
            CompletableFuture<Integer> first = CompletableFuture.supplyAsync(a::run);
            CompletableFuture<Integer> second = CompletableFuture.supplyAsync(b::run);
            assertThat(first.get(3, TimeUnit.MINUTES)).as(a.err).isZero();
            assertThat(second.get(3, TimeUnit.MINUTES)).as(b.err).isZero();

            Events.assertDeliveredInOrder(emulator, DEVICES, PER_DEVICE);
            assertThat(kafka.lag(group, topic)).isZero();
            assertThat(a.report.recordsRead()).as("records read by the first instance").isPositive();
            assertThat(b.report.recordsRead()).as("records read by the second instance").isPositive();
            System.out.printf("published %d events; read by two instances: %d and %d records, %d sent twice%n",
                    publish.report.published(), a.report.recordsRead(), b.report.recordsRead(), emulator.duplicateCount());
        } finally {
            emulator.close();
        }
    }

    @Test
    void publishing_what_the_kafka_source_reads_is_refused_at_start() throws Exception {
        Backfill both = publishing(new Backfill(work, null)).set("backfill.source", "kafka");

        assertThat(both.run()).isEqualTo(2);

        assertThat(both.err).startsWith("ampfill: backfill.sink: kafka publishes what the file or jdbc source reads;");
    }

    @Test
    void a_postgresql_table_is_published_once_keyed_by_device_in_order_per_device_and_its_bad_row_is_dead_lettered()
            throws Exception {
        JdbcBackfillTest.Database db = JdbcBackfillTest.database("postgresql", work);
        assumeTrue(JdbcBackfillTest.reachable(db), db.name() + " not reachable at " + db.url() + ": skipped");
        String table = "publish_" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), "")) {
            execute(c, "CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, device_id VARCHAR(40), event_type VARCHAR(40),"
                    + " happened_at TIMESTAMPTZ, props JSONB)");
            // device d's n-th event is row n * DEVICES + d (rows interleave devices, as a log table does); one more row
            // without an event type
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + table + " VALUES (?, ?, ?, ?, CAST(? AS JSONB))")) {
                for (int seq = 0; seq < PER_DEVICE; seq++) {
                    for (int d = 0; d < DEVICES; d++) {
                        row(insert, (long) seq * DEVICES + d, d, "Played Song", seq);
                    }
                }
                row(insert, (long) PER_DEVICE * DEVICES, 0, null, PER_DEVICE);
                insert.executeBatch();
            }
        }
        try {
            Backfill publish = publishing(new Backfill(work, null))
                    .set("backfill.source", "jdbc")
                    .set("backfill.jdbc.url", db.url())
                    .set("backfill.jdbc.user", db.user())
                    .set("backfill.jdbc.table", table)
                    .set("backfill.jdbc.page-size", "500")
                    .set("backfill.map.time", "happened_at")
                    .set("backfill.map.event_properties", "props");

            assertThat(publish.run()).as(publish.err).isZero();

            PublishedTopic.read(kafka, topic).assertEachOnceInOrder(DEVICES, PER_DEVICE);
            assertThat(publish.report.published()).isEqualTo((long) DEVICES * PER_DEVICE);
            List<String> rejected = Files.readAllLines(publish.deadLetters.resolve("table " + table + ".rejected.ndjson"));
            assertThat(rejected).hasSize(1);
            assertThat(rejected.get(0)).contains("event_type").contains("\"line\":" + PER_DEVICE * DEVICES);
        } finally {
            try (Connection c = DriverManager.getConnection(db.url(), db.user(), "")) {
                execute(c, "DROP TABLE " + table);
            }
        }
    }

    @Test
    void a_topic_kafka_does_not_have_stops_the_start_with_exit_2_and_one_line() throws Exception {
        Backfill publish = publishing(new Backfill(work, null)).set("backfill.kafka.topic", "no-such-topic");
        publish.drop("hour-00.ndjson", Events.timeOrderedFiles(10, 3, 1).get(0));

        assertThat(publish.run()).as(publish.err).isEqualTo(2);

        assertThat(publish.err).isEqualTo("ampfill: backfill.kafka.topic: Kafka at " + kafka.bootstrapServers()
                + " has no topic no-such-topic; create it, with at least as many partitions as instances will read it\n");
        assertThat(FileBackfillTest.files(publish.inbox)).containsExactly("hour-00.ndjson");
    }

    @Test
    void brokers_that_do_not_answer_stop_the_start_with_exit_2_and_one_line() throws Exception {
        Backfill publish = publishing(new Backfill(work, null))
                .set("backfill.kafka.bootstrap-servers", "127.0.0.1:9")
                // a camel-kafka option passed through: how long to wait for the brokers
                .set("camel.component.kafka.max-block-ms", "1500");
        publish.drop("hour-00.ndjson", Events.timeOrderedFiles(10, 3, 1).get(0));

        assertThat(publish.run()).as(publish.err).isEqualTo(2);

        assertThat(publish.err).startsWith("ampfill: backfill.kafka.bootstrap-servers: cannot reach Kafka at 127.0.0.1:9: ")
                .hasLineCount(1);
        assertThat(FileBackfillTest.files(publish.inbox)).containsExactly("hour-00.ndjson");
    }

    private Backfill publishing(Backfill backfill) {
        return backfill.set("backfill.sink", "kafka")
                .set("backfill.kafka.bootstrap-servers", kafka.bootstrapServers())
                .set("backfill.kafka.topic", topic);
    }

    private Backfill reading(Backfill backfill, String group) {
        return backfill.set("backfill.source", "kafka")
                .set("backfill.kafka.bootstrap-servers", kafka.bootstrapServers())
                .set("backfill.kafka.topic", topic)
                .set("backfill.kafka.group-id", group)
                .set("backfill.checkpoint-interval", "200ms")
                .set("amplitude.device-eps", "10");
    }

    private static void row(PreparedStatement insert, long id, int device, String eventType, int seq) throws SQLException {
        insert.setLong(1, id);
        insert.setString(2, Events.device(device));
        insert.setString(3, eventType);
        insert.setTimestamp(4, Timestamp.from(Instant.ofEpochMilli(Events.BASE_TIME + seq * 1000L)));
        insert.setString(5, "{\"seq\":" + seq + "}");
        insert.addBatch();
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}

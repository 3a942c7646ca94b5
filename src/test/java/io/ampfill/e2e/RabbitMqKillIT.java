package io.ampfill.e2e;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.ampfill.emulator.AmplitudeEmulator;
import io.ampfill.emulator.EmulatorSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static io.ampfill.e2e.Events.assertDeliveredInOrder;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * examples/rabbitmq as a user runs it: its route, in a child JVM, consumes a real RabbitMQ queue into the emulator
 * running in this JVM, is killed with SIGKILL mid-stream and started again. Every event arrives once, in order per
 * device; the refused ones are in the refused queue with their reason; the queue ends empty. A fatal answer leaves
 * every message in the queue.
 */
class RabbitMqKillIT {
    private static final int DEVICES = 200;
    private static final int PER_DEVICE = 100;
    private static final int EVENTS = DEVICES * PER_DEVICE;
    /** Placeholder device ids Amplitude refuses, published among the others at these positions of the stream. */
    private static final Map<Integer, String> REFUSED = Map.of(5_000, "null", 10_000, "unknown", 15_000, "anonymous");
    private static final int MESSAGES = EVENTS + REFUSED.size();
    /** rabbitmq.prefetch in the example's application.properties: the messages in flight, unacknowledged, at most. */
    private static final int PREFETCH = 1000;
    private static final Path EXAMPLE = Path.of("examples/rabbitmq").toAbsolutePath();
    private static final int SIGTERM_EXIT = 143;
    private static final String API_KEY = "rabbit-kill-test-key";

    @TempDir
    Path work;
    AmplitudeEmulator emulator;
    Connection broker;
    com.rabbitmq.client.Channel channel;
    String queue;
    String refusedQueue;

    @BeforeEach
    void prepare() throws IOException {
        broker = connectOrSkip();
        channel = broker.createChannel();
        queue = "ampfill-kill-test-" + System.nanoTime();
        refusedQueue = queue + ".refused";
        channel.queueDeclare(queue, true, false, false, null);
        channel.queueDeclare(refusedQueue, true, false, false, null);
        emulator = AmplitudeEmulator.start(new EmulatorSettings().expectedApiKey(API_KEY));
    }

    @AfterEach
    void cleanUp() throws IOException, TimeoutException {
        if (broker != null) {
            channel.queueDelete(queue);
            channel.queueDelete(refusedQueue);
            broker.close();
        }
        if (emulator != null) {
            emulator.close();
        }
    }

    @Test
    void a_consumer_killed_mid_stream_and_restarted_delivers_every_event_once_in_order_and_empties_the_queue() throws Exception {
        publishEvents(DEVICES, PER_DEVICE, REFUSED);
        long started = System.nanoTime();

        Process first = startExample(API_KEY);
        // a moment while events flow, however fast the machine is: after 2,000 to 12,000 have arrived
        long target = 2_000 + new Random(15).nextInt(10_000);
        assertThat(ChildRun.runsUntilIngested(first, emulator, target)).as("running mid-stream%n%s", logs()).isTrue();
        first.destroyForcibly(); // SIGKILL: no shutdown, the broker sees the connection drop
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        double killedAfter = (System.nanoTime() - started) / 1e9;
        long ingestedAtKill = emulator.ingestedCount();
        long back = messagesWithoutConsumer(queue);
        long acknowledged = MESSAGES - back;
        assertThat(acknowledged).as("messages acknowledged before the kill").isPositive();
        assertThat(back).as("messages left for the restart").isPositive();

        long restarted = System.nanoTime();
        Process restart = startExample(API_KEY);
        ChildRun.awaitTrue(work, 120,
                () -> emulator.ingestedCount() >= EVENTS && messageCount(refusedQueue) == REFUSED.size(), "every event");
        double seconds = (System.nanoTime() - started) / 1e9;
        double restartSeconds = (System.nanoTime() - restarted) / 1e9;
        restart.destroy(); // SIGTERM: Camel stops taking messages and lets those in flight complete
        assertThat(ChildRun.finishes(restart, work, 60)).as("stops after SIGTERM%n%s", logs()).isTrue();
        assertThat(restart.exitValue()).as(logs()).isEqualTo(SIGTERM_EXIT);

        assertDeliveredInOrder(emulator, DEVICES, PER_DEVICE);
        assertThat(messagesWithoutConsumer(queue)).as("messages never acknowledged").isZero();
        assertThat(refusedReasons()).hasSize(REFUSED.size())
                .allSatisfy(reason -> assertThat(reason).contains("is a placeholder Amplitude refuses"));
        long resent = emulator.duplicateCount();
        // a kill leaves unacknowledged at most the messages in flight, and only those were sent before
        assertThat(resent).as("events sent again after the restart").isLessThanOrEqualTo(PREFETCH);
        assertThat(emulator.requestCount()).as("requests: many messages' events in each").isLessThan(EVENTS / 20);
        assertThat(logs()).doesNotContain(API_KEY);
        System.out.printf("RabbitMQ kill: %d events of %d devices (+%d refused), 1 SIGKILL after %d ingested"
                        + " (%d messages acknowledged, %d back in the queue), 1 restart; %d events resent (%d of them behind"
                        + " a newer event of their device), %d requests, %.1f events per request; killed after %.1f s, the restart"
                        + " delivered the rest in %.1f s, %.1f s in all (JVM starts included)%n",
                EVENTS, DEVICES, REFUSED.size(), ingestedAtKill, acknowledged, back, resent,
                emulator.duplicatesBehindNewerCount(), emulator.requestCount(),
                (double) (emulator.ingestedCount() + resent) / emulator.requestCount(), killedAfter, restartSeconds, seconds);
    }

    @Test
    void a_wrong_api_key_stops_the_consumer_and_leaves_every_message_in_the_queue() throws Exception {
        publishEvents(10, 50, Map.of());
        String wrongKey = "a-wrong-key-0123456789";

        Process run = startExample(wrongKey);
        ChildRun.awaitTrue(work, 120, () -> logs().contains("taking no more messages"), "the consumer to stop taking");
        run.destroy();
        assertThat(ChildRun.finishes(run, work, 60)).as("stops after SIGTERM%n%s", logs()).isTrue();

        assertThat(emulator.ingestedCount()).isZero();
        assertThat(messagesWithoutConsumer(queue)).as("messages left in the queue").isEqualTo(500);
        assertThat(messageCount(refusedQueue)).as("a fatal answer refuses no event").isZero();
        assertThat(logs()).contains("Amplitude refused the API key").doesNotContain(wrongKey);
    }

    private static Connection connectOrSkip() {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setConnectionTimeout(3000);
        try {
            return factory.newConnection("ampfill kill test");
        } catch (IOException | TimeoutException e) {
            Assumptions.abort("RabbitMQ is not reachable at 127.0.0.1:5672 as guest (" + e
                    + "): start it (rabbitmq-server -detached) to run the RabbitMQ example's test");
            return null;
        }
    }

    /** device d's events in order, devices interleaved as a live stream has them, the refused ones among them. */
    private void publishEvents(int devices, int perDevice, Map<Integer, String> refused)
            throws IOException, InterruptedException, TimeoutException {
        channel.confirmSelect();
        int position = 0;
        for (int seq = 0; seq < perDevice; seq++) {
            for (int d = 0; d < devices; d++) {
                String placeholder = refused.get(position++);
                if (placeholder != null) {
                    publish(Events.ndjsonLine(d, seq).replace(Events.device(d), placeholder));
                }
                publish(Events.ndjsonLine(d, seq));
            }
        }
        channel.waitForConfirmsOrDie(30_000);
    }

    private void publish(String event) throws IOException {
        AMQP.BasicProperties persistent = new AMQP.BasicProperties.Builder().deliveryMode(2).build();
        channel.basicPublish("", queue, persistent, event.getBytes(StandardCharsets.UTF_8));
    }

    /** The example as its README runs it, in its folder, on this test's classpath, sending to the emulator. */
    private Process startExample(String apiKey) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-Drabbitmq.queue=" + queue);
        command.add("-Drabbitmq.refused-queue=" + refusedQueue);
        command.add("-Dcamel.component.amplitude.api-key=" + apiKey);
        command.add("-Dcamel.component.amplitude.endpoint=" + emulator.batchUrl());
        // 100 events per device take 2.5 s at 40 a second: the kill lands mid-stream
        command.add("-Dcamel.component.amplitude.device-eps=40");
        command.add("-cp");
        command.add(testClassPath());
        command.add("org.apache.camel.main.Main");
        command.add("-pl");
        command.add("file:application.properties");
        return new ProcessBuilder(command)
                .directory(EXAMPLE.toFile())
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("run-" + System.nanoTime() + ".log").toFile())
                .start();
    }

    /** The classpath this test runs on (the example's classes are compiled with the tests), as the test runner gives it. */
    private static String testClassPath() {
        String runner = System.getProperty("surefire.test.class.path");
        return runner != null ? runner : System.getProperty("java.class.path");
    }

    /** The queue's messages once no consumer holds any: the broker has put back what was not acknowledged. */
    private long messagesWithoutConsumer(String name) throws Exception {
        ChildRun.awaitTrue(work, 120, () -> channel.queueDeclarePassive(name).getConsumerCount() == 0, "no consumer on " + name);
        return messageCount(name);
    }

    private long messageCount(String name) throws IOException {
        return channel.queueDeclarePassive(name).getMessageCount();
    }

    private List<String> refusedReasons() throws IOException {
        List<String> reasons = new ArrayList<>();
        for (GetResponse message; (message = channel.basicGet(refusedQueue, true)) != null; ) {
            reasons.add(String.valueOf(message.getProps().getHeaders().get("refusedReason")));
        }
        return reasons;
    }

    private String logs() throws IOException {
        return ChildRun.logs(work);
    }
}

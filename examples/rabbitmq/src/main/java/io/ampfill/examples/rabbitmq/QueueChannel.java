package io.ampfill.examples.rabbitmq;

import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import org.apache.camel.spi.ExecutorServiceManager;

import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeoutException;

/**
 * A connection of its own and one channel on it, for a consumer or a producer. The client's deliveries run on one
 * thread from Camel's executor service manager, so they come in the queue's order and Camel's shutdown sees it.
 */
final class QueueChannel implements AutoCloseable {
    private final ExecutorServiceManager executors;
    private final ExecutorService deliveries;
    private final Connection connection;
    private final Channel channel;

    private QueueChannel(ExecutorServiceManager executors, ExecutorService deliveries, Connection connection) throws IOException {
        this.executors = executors;
        this.deliveries = deliveries;
        this.connection = connection;
        this.channel = connection.createChannel();
    }

    static QueueChannel open(RabbitQueueEndpoint endpoint, Object owner, String role) throws IOException, TimeoutException {
        ExecutorServiceManager executors = endpoint.getCamelContext().getExecutorServiceManager();
        String name = "rabbitmq-queue " + role + " " + endpoint.queue();
        ExecutorService deliveries = executors.newSingleThreadExecutor(owner, name);
        try {
            return new QueueChannel(executors, deliveries, endpoint.getComponent().connect(deliveries, name));
        } catch (IOException | TimeoutException | RuntimeException e) {
            executors.shutdownNow(deliveries);
            throw e;
        }
    }

    Channel channel() {
        return channel;
    }

    /** Declares the queue durable if it does not exist; an existing queue is used as it is, whatever its arguments. */
    void ensureQueue(String queue) throws IOException, TimeoutException {
        // a passive declare of a missing queue closes its channel, so it asks on one of its own
        try (Channel probe = connection.createChannel()) {
            probe.queueDeclarePassive(queue);
            return;
        } catch (IOException missing) {
            // not there yet (the broker's 404); any other reason fails the declare below, with the broker's words
        }
        channel.queueDeclare(queue, true, false, false, null);
    }

    /** Closes this one if there is one, and gives null to keep in its place. */
    static QueueChannel close(QueueChannel queue) throws IOException {
        if (queue != null) {
            queue.close();
        }
        return null;
    }

    /** Closes the connection: the broker puts back every message delivered on it and not acknowledged. */
    @Override
    public void close() throws IOException {
        try {
            connection.close();
        } catch (AlreadyClosedException e) {
            // the broker or the network closed it first: nothing left to close
        } finally {
            executors.shutdown(deliveries);
        }
    }
}

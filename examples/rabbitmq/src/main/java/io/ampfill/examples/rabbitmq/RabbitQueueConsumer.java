package io.ampfill.examples.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Envelope;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.Suspendable;
import org.apache.camel.support.DefaultConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * Consumes a queue with manual acknowledgement. Each message becomes an exchange as it arrives, in the queue's order,
 * and is acknowledged on its own once its exchange completes; up to the endpoint's prefetch are in flight at once.
 * An exchange that fails (its error handler did not handle it) is not acknowledged: the consumer stops taking
 * messages, and the broker keeps that one, and every other not acknowledged, for the next consumer.
 */
final class RabbitQueueConsumer extends DefaultConsumer implements Suspendable {
    private static final Logger LOG = LoggerFactory.getLogger(RabbitQueueConsumer.class);

    private final RabbitQueueEndpoint endpoint;
    private volatile QueueChannel queue;
    private volatile String consumerTag;

    RabbitQueueConsumer(RabbitQueueEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.endpoint = endpoint;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        queue = QueueChannel.open(endpoint, this, "consumer");
        queue.ensureQueue(endpoint.queue());
        queue.channel().basicQos(endpoint.getPrefetch());
        take();
        LOG.info("{}: taking messages, up to {} in flight, each acknowledged once its exchange completes",
                endpoint.queue(), endpoint.getPrefetch());
    }

    /** On a graceful stop Camel suspends first: no new messages, while the exchanges in flight complete and are acknowledged. */
    @Override
    protected void doSuspend() throws Exception {
        stopTaking();
    }

    @Override
    protected void doResume() throws Exception {
        take();
    }

    @Override
    protected void doStop() throws Exception {
        queue = QueueChannel.close(queue);
        super.doStop();
    }

    private void take() throws IOException {
        consumerTag = queue.channel().basicConsume(endpoint.queue(), false, new Deliveries());
    }

    private synchronized void stopTaking() throws IOException {
        String tag = consumerTag;
        consumerTag = null;
        if (tag != null && queue != null) {
            queue.channel().basicCancel(tag);
        }
    }

    private void settle(com.rabbitmq.client.Channel channel, Exchange exchange, long deliveryTag) {
        try {
            if (exchange.getException() == null) {
                channel.basicAck(deliveryTag, false);
            } else {
                LOG.warn("{}: an exchange failed and its message stays in the queue; taking no more messages: {}",
                        endpoint.queue(), exchange.getException().getMessage());
                stopTaking();
            }
        } catch (IOException | AlreadyClosedException e) {
            // the channel went away: the broker delivers the message again, and its events are sent again (deduplicated)
            LOG.warn("{}: a message could not be acknowledged ({}): the broker delivers it again", endpoint.queue(), e.toString());
        } finally {
            releaseExchange(exchange, false);
        }
    }

    private final class Deliveries extends com.rabbitmq.client.DefaultConsumer {
        Deliveries() {
            super(queue.channel());
        }

        @Override
        public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
            Exchange exchange = createExchange(false);
            exchange.getMessage().setBody(body);
            exchange.getMessage().setHeader(RabbitQueueEndpoint.REDELIVERED, envelope.isRedeliver());
            long deliveryTag = envelope.getDeliveryTag();
            // returns once the route has handed the exchange on (amplitude:batch: once its events are in the lanes)
            getAsyncProcessor().process(exchange, doneSync -> settle(getChannel(), exchange, deliveryTag));
        }
    }
}

package io.ampfill.examples.rabbitmq;

import com.rabbitmq.client.AMQP;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultHeaderFilterStrategy;
import org.apache.camel.support.DefaultProducer;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Publishes the body to the queue (declared durable if missing) as a persistent message, with the exchange's headers
 * other than Camel's own, and waits for the broker's confirm: the exchange completes once the broker has the message.
 */
final class RabbitQueueProducer extends DefaultProducer {
    private static final long CONFIRM_TIMEOUT_MS = TimeUnit.SECONDS.toMillis(30);

    private final RabbitQueueEndpoint endpoint;
    private final DefaultHeaderFilterStrategy headers = new DefaultHeaderFilterStrategy();
    private QueueChannel queue;

    RabbitQueueProducer(RabbitQueueEndpoint endpoint) {
        super(endpoint);
        this.endpoint = endpoint;
        headers.setOutFilterStartsWith(DefaultHeaderFilterStrategy.CAMEL_FILTER_STARTS_WITH);
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        queue = QueueChannel.open(endpoint, this, "producer");
        queue.ensureQueue(endpoint.queue());
        queue.channel().confirmSelect();
    }

    @Override
    protected void doStop() throws Exception {
        queue = QueueChannel.close(queue);
        super.doStop();
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Map<String, Object> amqpHeaders = new HashMap<>();
        exchange.getMessage().getHeaders().forEach((name, value) -> {
            if (value != null && !headers.applyFilterToCamelHeaders(name, value, exchange)) {
                amqpHeaders.put(name, value.toString());
            }
        });
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                .deliveryMode(2)
                .headers(amqpHeaders)
                .build();
        byte[] body = exchange.getMessage().getMandatoryBody(byte[].class);
        // one channel, shared by the exchanges that reach this producer: a publish and its confirm go together
        synchronized (this) {
            queue.channel().basicPublish("", endpoint.queue(), properties, body);
            queue.channel().waitForConfirmsOrDie(CONFIRM_TIMEOUT_MS);
        }
    }
}

package io.ampfill.examples.rabbitmq;

import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultEndpoint;

/** One queue: consumed with manual acknowledgement, or published to with publisher confirms. */
public class RabbitQueueEndpoint extends DefaultEndpoint {
    /** Header set on each consumed message: true when the broker delivered it before (to a consumer that went away). */
    public static final String REDELIVERED = "CamelRabbitQueueRedelivered";

    private final String queue;
    private int prefetch = 1000;

    RabbitQueueEndpoint(String uri, RabbitQueueComponent component, String queue) {
        super(uri, component);
        this.queue = queue;
    }

    @Override
    public RabbitQueueComponent getComponent() {
        return (RabbitQueueComponent) super.getComponent();
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        RabbitQueueConsumer consumer = new RabbitQueueConsumer(this, processor);
        configureConsumer(consumer);
        return consumer;
    }

    @Override
    public Producer createProducer() {
        return new RabbitQueueProducer(this);
    }

    String queue() {
        return queue;
    }

    public int getPrefetch() {
        return prefetch;
    }

    /**
     * Messages delivered and not yet acknowledged, at most (the channel's basic.qos): as many exchanges are in flight at
     * once, so the amplitude endpoint can pack many events into each request.
     */
    public void setPrefetch(int prefetch) {
        this.prefetch = prefetch;
    }
}

package io.ampfill.examples.rabbitmq;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeoutException;

/**
 * {@code rabbitmq-queue:NAME}: a RabbitMQ queue, read with manual acknowledgement or written to, over AMQP 0-9-1 with
 * RabbitMQ's own client. The broker's address and credentials are the component's options
 * ({@code camel.component.rabbitmq-queue.host=...}), shared by every endpoint; the queue and the prefetch are the
 * endpoint's.
 *
 * <p>Why not a Camel module: camel-spring-rabbitmq is not the example's to require, and through camel-amqp (AMQP 1.0
 * over JMS) a Camel JMS consumer either acknowledges when its listener returns, before an asynchronous exchange has
 * completed, or takes one message at a time per consumer thread, and several threads break the order per device.
 * Here one channel hands the messages to the route in the queue's order and each is acknowledged on its own, when its
 * exchange completes.
 */
public class RabbitQueueComponent extends DefaultComponent {
    private String host = "127.0.0.1";
    private int port = ConnectionFactory.DEFAULT_AMQP_PORT;
    private String virtualHost = ConnectionFactory.DEFAULT_VHOST;
    private String username = ConnectionFactory.DEFAULT_USER;
    private String password = ConnectionFactory.DEFAULT_PASS;

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        RabbitQueueEndpoint endpoint = new RabbitQueueEndpoint(uri, this, remaining);
        setProperties(endpoint, parameters);
        return endpoint;
    }

    /** A connection whose deliveries run on {@code deliveries}, a thread of Camel's executor service manager. */
    Connection connect(ExecutorService deliveries, String name) throws IOException, TimeoutException {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(host);
        factory.setPort(port);
        factory.setVirtualHost(virtualHost);
        factory.setUsername(username);
        factory.setPassword(password);
        return factory.newConnection(deliveries, name);
    }

    public String getHost() {
        return host;
    }

    public void setHost(String host) {
        this.host = host;
    }

    public int getPort() {
        return port;
    }

    public void setPort(int port) {
        this.port = port;
    }

    public String getVirtualHost() {
        return virtualHost;
    }

    public void setVirtualHost(String virtualHost) {
        this.virtualHost = virtualHost;
    }

    public String getUsername() {
        return username;
    }

    public void setUsername(String username) {
        this.username = username;
    }

    /** Write-only: a password is never read back (nor logged). */
    public void setPassword(String password) {
        this.password = password;
    }
}

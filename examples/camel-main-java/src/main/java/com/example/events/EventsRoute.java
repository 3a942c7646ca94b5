package com.example.events;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes {@code events.count} events, spread over {@code events.devices} devices, and sends each to Amplitude. The
 * timer waits for each exchange, and amplitude:batch completes an exchange only once Amplitude has acknowledged its
 * event: a real source (a broker's queue, a Kafka topic) acknowledges its message at that point.
 */
public class EventsRoute extends RouteBuilder {
    private final AtomicLong made = new AtomicLong();

    @Override
    public void configure() {
        from("timer:events?delay=0&period=1&repeatCount={{events.count}}")
                .process(this::event)
                .to("amplitude:batch");
    }

    /** The n-th event, as a Map: Amplitude's fields; its insert_id is derived from its content. */
    private void event(Exchange exchange) {
        long n = made.incrementAndGet();
        int devices = exchange.getContext().getPropertiesComponent().resolveProperty("events.devices")
                .map(Integer::parseInt).orElse(1);
        exchange.getMessage().setBody(Map.of(
                "event_type", "Example Event",
                "device_id", "example-device-" + n % devices,
                "time", 1_700_000_000_000L + n,
                "event_properties", Map.of("n", n)));
    }
}

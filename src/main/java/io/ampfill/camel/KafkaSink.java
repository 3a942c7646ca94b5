package io.ampfill.camel;

import io.ampfill.delivery.OutboundEvent;
import io.ampfill.report.RunReport;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.DefaultMessage;

import java.util.ArrayList;
import java.util.List;

/**
 * The two steps of routes/kafka-sink.camel.yaml around camel-kafka's producer, which sends a list of messages as one
 * record each and completes the exchange once Kafka has acknowledged them all: a chunk's events as such messages
 * (the event's JSON keyed by its device key), and, once acknowledged, the events settled.
 */
public final class KafkaSink {
    private final RunReport report;

    public KafkaSink(RunReport report) {
        this.report = report;
    }

    /**
     * One message per event, in order: the JSON Amplitude would receive, keyed by the key the device lanes use
     * (device_id, else user_id), so the default partitioner puts each device in one partition.
     */
    public List<Message> records(List<OutboundEvent> events, Exchange exchange) {
        List<Message> records = new ArrayList<>(events.size());
        for (OutboundEvent event : events) {
            Message record = new DefaultMessage(exchange);
            record.setHeader(KafkaConstants.KEY, event.laneKey());
            record.setBody(event.json());
            records.add(record);
        }
        return records;
    }

    /** Kafka has acknowledged every event of the chunk: each settles its record in its source unit. */
    public void published(List<OutboundEvent> events) {
        for (OutboundEvent event : events) {
            event.settle();
        }
        report.published(events.size());
    }
}

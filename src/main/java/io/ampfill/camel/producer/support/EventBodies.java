package io.ampfill.camel.producer.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ampfill.delivery.OutboundEvent;
import io.ampfill.event.MappedEvent;
import io.ampfill.event.MappingOutcome;
import io.ampfill.event.MappingSettings;
import io.ampfill.event.RecordMapper;
import io.ampfill.event.Refused;
import io.ampfill.source.RecordJson;
import io.ampfill.source.SourceRecord;
import io.ampfill.source.Utf8;
import org.apache.camel.Exchange;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An exchange's body as events, mapped and validated by ampfill's rules: one event or a List of them, each JSON text
 * (a String, bytes), a Map or a Jackson node, or an event ampfill already mapped. Each becomes the record a source
 * would have read (JSON text an NDJSON line, a Map or node a tree) and goes through ampfill's one way into mapping,
 * {@link RecordMapper}, as a file's records do. The one place the component calls ampfill's mapping.
 */
public final class EventBodies {
    private static final ObjectMapper JSON = RecordJson.mapper();

    private final RecordMapper mapper;

    public EventBodies(MappingSettings settings) {
        this.mapper = new RecordMapper(settings);
    }

    /**
     * The body's events, in order, each settling into {@code origin} with its index as ordinal; those that cannot be
     * sent are refused there, with the reason, and left out.
     */
    public List<OutboundEvent> map(Exchange exchange, ExchangeEvents origin) {
        Object body = exchange.getMessage().getBody();
        List<?> items = body instanceof List<?> list ? list : java.util.Collections.singletonList(body);
        List<OutboundEvent> events = new ArrayList<>(items.size());
        origin.events(items.size());
        for (int index = 0; index < items.size(); index++) {
            Object item = items.get(index);
            if (item instanceof OutboundEvent mapped) {
                events.add(new OutboundEvent(mapped.laneKey(), mapped.deviceId(), mapped.userId(), mapped.json(),
                        origin, index, index));
                continue;
            }
            MappingOutcome outcome = mapper.map(record(exchange, item, index));
            if (outcome instanceof MappedEvent event) {
                events.add(new OutboundEvent(event.deviceKey(), event.deviceId(), event.userId(), event.json(),
                        origin, index, index));
            } else {
                origin.refused(index, ((Refused) outcome).reason());
            }
        }
        origin.sending(events.size());
        return events;
    }

    /** The item as the record a source would have read: JSON text as an NDJSON line, a Map or a node as a tree. */
    private static SourceRecord record(Exchange exchange, Object item, long line) {
        if (item instanceof ObjectNode object) {
            return new SourceRecord.Tree(line, object);
        }
        if (item instanceof JsonNode node) {
            return SourceRecord.Unreadable.text(line, node.toString(), "not a JSON object");
        }
        if (item instanceof Map<?, ?> map) {
            JsonNode tree = JSON.valueToTree(map);
            return new SourceRecord.Tree(line, (ObjectNode) tree);
        }
        byte[] text = item instanceof byte[] bytes ? bytes
                : item instanceof String string ? string.getBytes(StandardCharsets.UTF_8)
                : item == null ? null : exchange.getContext().getTypeConverter().tryConvertTo(byte[].class, exchange, item);
        if (text == null) {
            return SourceRecord.Unreadable.text(line, "", item == null ? "no event: the body is empty"
                    : "not an event: a " + item.getClass().getName() + " (send JSON text or bytes, a Map or a JsonNode)");
        }
        int invalid = Utf8.invalidAt(text, 0, text.length);
        if (invalid >= 0) {
            return SourceRecord.Unreadable.text(line, new String(text, StandardCharsets.UTF_8),
                    String.format("not valid UTF-8: byte 0x%02X at byte %d of the event", text[invalid] & 0xFF, invalid + 1));
        }
        if (new String(text, StandardCharsets.UTF_8).isBlank()) {
            return SourceRecord.Unreadable.text(line, "", "no event: the body is blank");
        }
        return new SourceRecord.Line(line, text, 0, text.length);
    }

    /** A body of ACCEPTANCE: events ampfill's own routes already mapped, each with the source unit it settles. */
    public static List<OutboundEvent> accepted(Object body) {
        if (body instanceof OutboundEvent event) {
            return List.of(event);
        }
        if (body instanceof List<?> list && list.stream().allMatch(OutboundEvent.class::isInstance)) {
            @SuppressWarnings("unchecked")
            List<OutboundEvent> events = (List<OutboundEvent>) list;
            return events;
        }
        throw new IllegalArgumentException("completion=ACCEPTANCE takes events already mapped with their source unit"
                + " (io.ampfill.delivery.OutboundEvent, or a List of them), as ampfill's own routes hand them over; got "
                + (body == null ? "no body" : "a " + body.getClass().getName()) + ". Send raw events with"
                + " completion=ACKNOWLEDGEMENT");
    }
}

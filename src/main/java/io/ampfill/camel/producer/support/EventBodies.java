package io.ampfill.camel.producer.support;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ampfill.delivery.OutboundEvent;
import io.ampfill.event.EventMapper;
import io.ampfill.event.FastEventMapper;
import io.ampfill.event.MappedEvent;
import io.ampfill.event.MappingResult;
import io.ampfill.event.MappingSettings;
import io.ampfill.event.RecordJson;
import io.ampfill.event.Rejection;
import io.ampfill.source.JsonErrorText;
import org.apache.camel.Exchange;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An exchange's body as events, mapped and validated by ampfill's rules: one event or a List of them, each JSON text
 * (a String, bytes), a Map or a Jackson node, or an event ampfill already mapped. JSON text takes the single-pass line
 * path and falls back to the tree path, as the NDJSON reader does. The one place the component calls ampfill's mapping.
 */
public final class EventBodies {
    private static final ObjectMapper JSON = RecordJson.mapper();

    private final FastEventMapper linePath;
    private final EventMapper treePath;

    public EventBodies(MappingSettings settings) {
        this.linePath = new FastEventMapper(settings);
        this.treePath = new EventMapper(settings);
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
                events.add(new OutboundEvent(mapped.laneKey(), mapped.deviceId(), mapped.userId(), mapped.insertId(), mapped.json(),
                        origin, index, index));
                continue;
            }
            MappingResult result = map(exchange, item);
            if (result instanceof MappedEvent event) {
                events.add(new OutboundEvent(event.deviceKey(), event.deviceId(), event.userId(), event.insertId(), event.json(),
                        origin, index, index));
            } else {
                origin.refused(index, ((Rejection) result).reason());
            }
        }
        origin.sending(events.size());
        return events;
    }

    private MappingResult map(Exchange exchange, Object item) {
        if (item instanceof JsonNode node) {
            return treePath.map(node);
        }
        if (item instanceof Map<?, ?> map) {
            return treePath.map(JSON.valueToTree(map));
        }
        byte[] text = item instanceof byte[] bytes ? bytes
                : item instanceof String string ? string.getBytes(StandardCharsets.UTF_8)
                : item == null ? null : exchange.getContext().getTypeConverter().tryConvertTo(byte[].class, exchange, item);
        if (text == null) {
            return new Rejection(null, item == null ? "no event: the body is empty"
                    : "not an event: a " + item.getClass().getName() + " (send JSON text or bytes, a Map or a JsonNode)");
        }
        MappedEvent event = linePath.tryMap(text, 0, text.length);
        if (event != null) {
            return event;
        }
        try {
            return treePath.map(JSON.readTree(text));
        } catch (JacksonException invalid) {
            return new Rejection(null, JsonErrorText.reason(invalid, "not valid JSON"));
        } catch (IOException unreadable) {
            return new Rejection(null, "not valid JSON: " + unreadable.getMessage());
        }
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

package io.ampfill.camel;

import com.fasterxml.jackson.databind.JsonNode;
import io.ampfill.emulator.AmplitudeEmulator;
import io.ampfill.emulator.EmulatorSettings;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The amplitude-sink Kamelet packed in the jar: a route's {@code to: kamelet:amplitude-sink?...} delivers as
 * amplitude:batch does, and the file follows the conventions of Apache Camel's Kamelet catalog.
 */
class AmplitudeSinkKameletTest extends CamelTestSupport {
    private static final String KEY = "kamelet-key-0123456789";
    private static final String RESOURCE = "/kamelets/amplitude-sink.kamelet.yaml";
    private AmplitudeEmulator emulator;

    /** Each test its own emulator, started before the context whose route sends to it. */
    @Override
    protected void doPreSetup() {
        emulator = AmplitudeEmulator.start(new EmulatorSettings().expectedApiKey(KEY));
    }

    @Override
    protected void doPostTearDown() {
        emulator.close();
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                errorHandler(noErrorHandler());
                from("direct:events").to("kamelet:amplitude-sink?apiKey=RAW(" + KEY + ")&endpoint=" + emulator.batchUrl()
                        + "&deviceEps=0&maxConcurrentRequests=4");
            }
        };
    }

    private static String event(String device, int seq) {
        return "{\"event_type\":\"Played Song\",\"device_id\":\"" + device + "\",\"time\":" + (1_700_000_000_000L + seq)
                + ",\"event_properties\":{\"seq\":" + seq + "}}";
    }

    @Test
    void a_route_to_the_kamelet_delivers_every_event_once_in_order_per_device() {
        List<String> devices = List.of("kamelet-device-1", "kamelet-device-2", "kamelet-device-3");
        for (int seq = 0; seq < 20; seq++) {
            for (String device : devices) {
                template.sendBody("direct:events", event(device, seq));
            }
        }
        // a list body: several events in one exchange, and the same events again, which Amplitude takes once
        template.sendBody("direct:events", List.of(event("kamelet-device-1", 20), event("kamelet-device-1", 21)));
        template.sendBody("direct:events", List.of(event("kamelet-device-1", 20), event("kamelet-device-1", 21)));

        assertThat(emulator.ingestedCount()).isEqualTo(62);
        for (String device : devices) {
            List<Integer> seqs = emulator.ingestedEvents(device).stream()
                    .map(e -> e.path("event_properties").path("seq").asInt()).toList();
            int last = device.equals("kamelet-device-1") ? 22 : 20;
            assertThat(seqs).as(device).isEqualTo(IntStream.range(0, last).boxed().toList());
        }
    }

    @Test
    void an_event_amplitude_refuses_fails_the_exchange_sent_to_the_kamelet_with_the_reason() {
        String placeholder = "{\"event_type\":\"Played Song\",\"device_id\":\"null\",\"time\":1700000000000}";

        assertThatThrownBy(() -> template.sendBody("direct:events", placeholder))
                .isInstanceOf(CamelExecutionException.class)
                .cause().isInstanceOf(AmplitudeRefusedException.class)
                .hasMessageContaining("device_id \"null\" is a placeholder Amplitude refuses")
                .hasMessageNotContaining(KEY);
        assertThat(emulator.ingestedCount()).isZero();
    }

    @Test
    @SuppressWarnings("unchecked")
    void the_kamelet_follows_the_catalog_conventions_and_the_components_defaults() throws IOException {
        Map<String, Object> kamelet;
        try (InputStream yaml = getClass().getResourceAsStream(RESOURCE)) {
            assertThat(yaml).as(RESOURCE + " in the jar").isNotNull();
            kamelet = (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromInputStream(yaml);
        }
        Map<String, Object> metadata = (Map<String, Object>) kamelet.get("metadata");
        assertThat(metadata.get("name")).isEqualTo("amplitude-sink");
        assertThat((Map<String, Object>) metadata.get("labels")).containsEntry("camel.apache.org/kamelet.type", "sink");
        Map<String, Object> spec = (Map<String, Object>) kamelet.get("spec");
        Map<String, Object> definition = (Map<String, Object>) spec.get("definition");
        assertThat(definition).containsKeys("title", "description").containsEntry("required", List.of("apiKey"));
        Map<String, Map<String, Object>> properties = (Map<String, Map<String, Object>>) definition.get("properties");
        assertThat(properties.get("apiKey")).containsEntry("format", "password")
                .containsEntry("x-descriptors", List.of("urn:camel:group:credentials"));
        assertThat((List<String>) spec.get("dependencies")).noneMatch(d -> d.contains("${"));

        Map<String, Object> to = (Map<String, Object>) ((List<Map<String, Object>>)
                ((Map<String, Object>) ((Map<String, Object>) spec.get("template")).get("from")).get("steps")).get(0).get("to");
        assertThat(to.get("uri")).isEqualTo("amplitude:batch");
        Map<String, Object> parameters = (Map<String, Object>) to.get("parameters");
        JsonNode options = ComponentDocsTest.metadata().path("properties");
        List<String> problems = new ArrayList<>();
        properties.forEach((name, property) -> {
            if (!property.keySet().containsAll(List.of("title", "description", "type"))) {
                problems.add(name + ": a title, a description and a type");
            }
            Object used = parameters.get(name);
            if (!("{{" + name + "}}").equals(used) && !("{{?" + name + "}}").equals(used)) {
                problems.add(name + ": passed to the component's option of that name, got " + used);
            }
            JsonNode option = options.path(name);
            String expected = ComponentDocsTest.defaultOf(option);
            Object given = property.get("default");
            if (option.isMissingNode() || !expected.equals(given == null ? "" : given.toString())) {
                problems.add(name + ": default " + given + ", the component's is \"" + expected + "\"");
            }
        });
        assertThat(problems).isEmpty();
        assertThat(parameters.keySet()).isEqualTo(properties.keySet());
    }
}

package io.ampfill.camel;

import io.ampfill.emulator.AmplitudeEmulator;
import io.ampfill.emulator.EmulatorSettings;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The component's options set as Camel Main sets components' options, from camel.component.amplitude.* properties. */
class AmplitudeComponentOptionsTest {
    @Test
    void component_options_from_properties_reach_every_endpoint_and_a_uri_sets_them_again_for_its_own() throws Exception {
        try (AmplitudeEmulator emulator = AmplitudeEmulator.start(new EmulatorSettings().expectedApiKey("test-key-0123456789"))) {
            Main main = new Main();
            main.addInitialProperty("camel.component.amplitude.api-key", "test-key-0123456789");
            main.addInitialProperty("camel.component.amplitude.endpoint", emulator.batchUrl());
            main.addInitialProperty("camel.component.amplitude.device-eps", "0");
            main.addInitialProperty("camel.component.amplitude.retry-base", "250ms");
            main.addInitialProperty("camel.component.amplitude.quota-pause", "2h");
            main.configure().addRoutesBuilder(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:events").to("amplitude:batch");
                    from("direct:slow").to("amplitude:batch?deviceEps=12&quotaPause=90s");
                }
            });
            main.start();
            try {
                main.getCamelContext().createProducerTemplate().sendBody("direct:events",
                        "{\"event_type\":\"Played Song\",\"device_id\":\"device-0001\",\"time\":1700000000000}");

                assertThat(emulator.ingestedCount()).isEqualTo(1);
                AmplitudeConfiguration shared = main.getCamelContext().getEndpoint("amplitude:batch", AmplitudeEndpoint.class)
                        .getConfiguration();
                assertThat(shared.getDeviceEps()).isZero();
                assertThat(shared.getRetryBase()).isEqualTo(250);
                assertThat(shared.getQuotaPause()).isEqualTo(7_200_000);
                AmplitudeConfiguration own = main.getCamelContext()
                        .getEndpoint("amplitude:batch?deviceEps=12&quotaPause=90s", AmplitudeEndpoint.class).getConfiguration();
                assertThat(own.getDeviceEps()).isEqualTo(12);
                assertThat(own.getQuotaPause()).isEqualTo(90_000);
                assertThat(own.getRetryBase()).isEqualTo(250);
            } finally {
                main.stop();
            }
        }
    }
}

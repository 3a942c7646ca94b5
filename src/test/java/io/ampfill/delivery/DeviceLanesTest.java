package io.ampfill.delivery;

import io.ampfill.emulator.AmplitudeEmulator;
import io.ampfill.emulator.EmulatorSettings;
import io.ampfill.emulator.Fault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.ampfill.delivery.Lanes.await;
import static org.assertj.core.api.Assertions.assertThat;

/** The device lanes against the emulator over real HTTP, on a test clock: what waits is tested without waiting. */
class DeviceLanesTest {
    private AmplitudeEmulator emulator;
    private Lanes lanes;

    @AfterEach
    void stop() {
        if (lanes != null) {
            lanes.close();
        }
        if (emulator != null) {
            emulator.close();
        }
    }

    @Test
    void stops_with_the_reason_when_the_endpoint_keeps_answering_200_with_a_page_that_is_not_amplitudes() throws Exception {
        emulator = AmplitudeEmulator.start(new EmulatorSettings());
        for (int i = 0; i < 20; i++) {
            emulator.script(Fault.htmlPage());
        }
        lanes = new Lanes(emulator, 0);

        lanes.enqueue(List.of("device-000001"), 0, 3);
        for (int answered = 1; answered <= 4; answered++) {
            int expected = answered;
            await(expected + " answers", () -> lanes.retries.size() == expected);
            lanes.advance(Duration.ofSeconds(15)); // past any backoff: retry.max-backoff is 1 s here
        }
        await("the fifth answer", () -> lanes.requests.get() == 5);
        await("the stop", () -> !lanes.fatal.isEmpty());

        assertThat(lanes.fatal).singleElement().asString()
                .startsWith("the endpoint's answers have not been Amplitude's for 1m 0s (5 answers; the last: 200 with an HTML page")
                .contains("a wrong amplitude.endpoint, or a proxy");
        assertThat(lanes.retries).hasSize(4).containsOnly("answer not Amplitude's");
        assertThat(lanes.delivered.get()).isZero();
        assertThat(lanes.unit.committedOrdinal()).as("events settled").isZero();
        assertThat(emulator.ingestedCount()).isZero();
    }
}

package io.ampfill.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A quick measure, printed, not asserted: timings on a shared 2-core machine are too noisy to gate a build on. */
class TreeMapperSpeedTest {
    private static final int EVENTS = 200_000;

    @Test
    void prints_microseconds_per_mapped_event() throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> derived = new ArrayList<>();
        List<JsonNode> given = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            String common = "\"event_type\":\"song_played\",\"user_id\":\"user-" + (i % 97) + "\",\"device_id\":\"device-" + (i % 31)
                    + "-abcdef\",\"time\":" + (1709294400000L + i * 1000L) + ",\"session_id\":1709294300000,\"platform\":\"iOS\","
                    + "\"os_name\":\"ios\",\"os_version\":\"17.2\",\"device_model\":\"iPhone15,2\",\"country\":\"Germany\",\"city\":\"Berlin\","
                    + "\"language\":\"German\",\"app_version\":\"5.4.1\",\"event_properties\":{\"song_id\":" + i
                    + ",\"genre\":\"jazz\",\"duration_ms\":215000,\"source\":\"playlist\",\"shuffle\":true},"
                    + "\"user_properties\":{\"plan\":\"premium\",\"age_group\":\"25-34\"}";
            derived.add(json.readTree("{" + common + "}"));
            given.add(json.readTree("{" + common + ",\"insert_id\":\"ins-" + i + "\"}"));
        }
        TreeMapper mapper = new TreeMapper(new MappingSettings());
        double derivedMicros = measure(mapper, derived);
        double givenMicros = measure(mapper, given);
        System.out.printf("TreeMapper: %.2f us/event with a derived insert_id, %.2f us/event with a given one (%d events each)%n",
                derivedMicros, givenMicros, EVENTS);
    }

    private static double measure(TreeMapper mapper, List<JsonNode> records) {
        long bytes = 0;
        // warm-up, so that the measure is of compiled code
        for (int i = 0; i < EVENTS; i++) {
            bytes += ((MappedEvent) mapper.map(records.get(i % records.size()))).json().length;
        }
        long start = System.nanoTime();
        for (int i = 0; i < EVENTS; i++) {
            bytes += ((MappedEvent) mapper.map(records.get(i % records.size()))).json().length;
        }
        long elapsed = System.nanoTime() - start;
        assertThat(bytes).isPositive();
        return elapsed / 1000.0 / EVENTS;
    }
}

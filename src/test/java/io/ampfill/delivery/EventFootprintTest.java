package io.ampfill.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What an event holds while it waits for a far Amplitude, and what a request is made of on the wire: the body written
 * from the events' own bytes is the body Amplitude expects, the ids of a device's events are one copy, the insert_id
 * comes from the JSON, and the window's bytes follow the heap.
 */
class EventFootprintTest {
    private static final EventOrigin NOWHERE = ordinal -> { };
    private static final ObjectMapper JSON = new ObjectMapper();

    private static OutboundEvent event(String device, String user, String json) {
        return new OutboundEvent(device, device, user, json.getBytes(StandardCharsets.UTF_8), NOWHERE, 0, 1);
    }

    @Test
    void a_body_written_from_the_events_is_the_batch_request_with_its_length_told_before() throws IOException {
        RequestPacker packer = new RequestPacker("key \"with\" quotes", 5, 2000, 20_000_000);
        List<OutboundEvent> events = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            events.add(event("device-" + i, null, "{\"event_type\":\"e" + i + "\",\"device_id\":\"device-" + i
                    + "\",\"insert_id\":\"i-" + i + "\",\"note\":\"ü€\"}"));
        }
        RequestBody body = packer.body(events);
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        body.writeTo(written);

        assertThat(written.toByteArray()).isEqualTo(body.toByteArray()).hasSize((int) body.length());
        JsonNode request = JSON.readTree(written.toByteArray());
        assertThat(request.path("api_key").asText()).isEqualTo("key \"with\" quotes");
        assertThat(request.path("options").path("min_id_length").asInt()).isEqualTo(5);
        assertThat(request.path("events")).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(request.path("events").get(i).path("insert_id").asText()).isEqualTo("i-" + i);
            assertThat(request.path("events").get(i).path("note").asText()).isEqualTo("ü€");
        }
        assertThat(JSON.readTree(packer.body(List.of()).toByteArray()).path("events")).isEmpty();
    }

    @Test
    void the_events_of_a_device_hold_one_copy_of_its_ids() {
        // ids as a parser makes them: equal strings, each its own copy
        OutboundEvent first = event(new String("device-1"), new String("user-1"), "{}");
        OutboundEvent second = event(new String("device-1"), new String("user-1"), "{}");
        OutboundEvent otherUser = event(new String("device-1"), new String("user-2"), "{}");
        String laneKey = "device-1";

        first.shareIds(laneKey, null);
        second.shareIds(laneKey, first.userId());
        otherUser.shareIds(laneKey, second.userId());

        assertThat(second.laneKey()).isSameAs(laneKey).isSameAs(first.laneKey());
        assertThat(second.deviceId()).isSameAs(laneKey);
        assertThat(second.userId()).isSameAs(first.userId());
        assertThat(otherUser.userId()).isEqualTo("user-2");
        // a lane of a user without a device: its key is not the device id, which stays null
        OutboundEvent userOnly = new OutboundEvent("user:u", null, "u", "{}".getBytes(StandardCharsets.UTF_8), NOWHERE, 0, 1);
        userOnly.shareIds("user:u", null);
        assertThat(userOnly.deviceId()).isNull();
        assertThat(userOnly.userId()).isEqualTo("u");
    }

    @Test
    void events_back_from_disk_share_their_lanes_ids_too(@TempDir Path spill) {
        // a window of 8 events: a lane keeps 2 in memory, the rest of its events wait on disk
        DeliverySettings settings = new DeliverySettings("test-key-0123456789", 5, 0, 2000, 20_000_000, 8, 128, 8,
                64L << 20, Duration.ofMillis(500), Duration.ofSeconds(60), null, Duration.ofHours(1), spill);
        TestClock clock = new TestClock();
        LaneScheduler lanes = new LaneScheduler(settings, clock, new Backoff(Duration.ofMillis(500), Duration.ofSeconds(60),
                () -> 0.5), clock.nanoTime(), () -> { });
        List<LaneScheduler.Offer> offers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            offers.add(lanes.offer(event(new String("device-1"), new String("user-1"), "{\"n\":" + i + "}")));
        }
        assertThat(offers).containsExactly(LaneScheduler.Offer.IN_LANE, LaneScheduler.Offer.IN_LANE,
                LaneScheduler.Offer.SPILLED, LaneScheduler.Offer.SPILLED, LaneScheduler.Offer.SPILLED);
        List<OutboundEvent> sent = new ArrayList<>();
        for (Request request; sent.size() < 5; ) {
            request = lanes.nextRequest(clock.nanoTime());
            assertThat(request).as("a request after %d events", sent.size()).isNotNull();
            sent.addAll(request.events);
            RequestOutcome outcome = new RequestOutcome(request.size());
            outcome.acknowledged(0, request.size());
            lanes.answered(request, outcome, clock.nanoTime());
            lanes.requestDone();
        }
        assertThat(sent).extracting(e -> new String(e.json(), StandardCharsets.UTF_8))
                .containsExactly("{\"n\":0}", "{\"n\":1}", "{\"n\":2}", "{\"n\":3}", "{\"n\":4}");
        for (OutboundEvent e : sent) {
            assertThat(e.deviceId()).isSameAs(sent.get(0).laneKey());
            assertThat(e.userId()).isSameAs(sent.get(0).userId());
        }
        assertThat(lanes.allSettled()).isTrue();
    }

    @Test
    void the_insert_id_is_read_from_the_events_top_level_only() {
        assertThat(event("d", null, "{\"event_properties\":{\"insert_id\":\"inner\"},\"insert_id\":\"outer\"}").insertId())
                .isEqualTo("outer");
        assertThat(event("d", null, "{\"insert_id\":12345}").insertId()).isEqualTo("12345");
        assertThat(event("d", null, "{\"event_type\":\"no id\"}").insertId()).isNull();
        assertThat(event("d", null, "not json").insertId()).isNull();
    }

    @Test
    void the_window_is_two_fifths_of_the_heap_at_most_256_mb_or_the_bytes_given() {
        assertThat(DeliverySettings.inFlightBytes("auto", 340L << 20)).isEqualTo((340L << 20) / 5 * 2);
        assertThat(DeliverySettings.inFlightBytes(" AUTO ", 4L << 30)).isEqualTo(256L << 20);
        assertThat(DeliverySettings.inFlightBytes("67108864", 340L << 20)).isEqualTo(64L << 20);
        assertThatThrownBy(() -> DeliverySettings.inFlightBytes("0", 340L << 20))
                .hasMessage("maxInFlightBytes must be auto or a whole number of bytes of at least 1, got 0");
        assertThatThrownBy(() -> DeliverySettings.inFlightBytes("64MB", 340L << 20))
                .hasMessageContaining("got 64MB");
    }
}

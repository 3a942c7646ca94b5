package io.ampfill.delivery;

import io.ampfill.emulator.EmulatorSettings;
import io.ampfill.ledger.AckLedger;
import io.ampfill.ledger.SourceUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An origin taken out of the lanes (a Kafka partition that moved to another instance): its events still waiting, in
 * memory or on disk, are never sent nor settled, and every other origin's events go on, in order, once each.
 */
class WithdrawTest {

    private static List<String> inOrder(String device, int from, int to) {
        return IntStream.range(from, to).mapToObj(seq -> device + "-" + seq).toList();
    }

    @Test
    void a_withdrawn_origin_sends_nothing_more_and_the_others_go_on_in_order() throws Exception {
        // paced at 300 events/s: 900 events of a device take three seconds, so most wait in their lane when it is withdrawn
        LanesOnAClock lanes = new LanesOnAClock(new EmulatorSettings(), new LanesOnAClock.Settings().deviceEps(300));
        SourceUnit moved = lanes.unit;
        SourceUnit kept = new AckLedger().open("events-1");
        List<String> movedDevices = List.of("device-000001", "device-000002");
        List<String> keptDevices = List.of("device-000003");
        lanes.lanes.enqueue(RecordingListener.events(moved, movedDevices, 0, 900));
        lanes.lanes.enqueue(RecordingListener.events(kept, keptDevices, 0, 900));
        lanes.runUntil("the first second's worth is sent", () -> lanes.emulator.ingestedCount() > 0);
        long sentBefore = lanes.emulator.ingestedCount();

        long dropped = lanes.lanes.withdraw(moved);

        // nothing of it is on the wire (senders run in the test's thread): every unsettled event of it was dropped
        assertThat(dropped).isEqualTo(moved.outstanding()).isPositive();
        assertThat(lanes.lanes.droppedOf(moved)).isEqualTo(dropped);
        lanes.runUntil("the kept origin is settled", () -> kept.outstanding() == 0);
        assertThat(keptDevices).allSatisfy(d ->
                assertThat(lanes.emulator.ingestedInsertIdsByDevice().get(d)).isEqualTo(inOrder(d, 0, 900)));
        for (String device : movedDevices) {
            List<String> ingested = lanes.emulator.ingestedInsertIdsByDevice().get(device);
            // a prefix, in order: the new owner starts from the committed offset and sends the rest
            assertThat(ingested).isEqualTo(inOrder(device, 0, ingested.size()));
            assertThat(ingested.size()).isLessThan(900);
        }
        // the settled prefix is exactly what was acknowledged before: nothing withdrawn was settled
        assertThat(moved.outstanding()).isEqualTo(dropped);
        assertThat(lanes.emulator.ingestedCount()).isEqualTo(900 + 2 * 900 - dropped);
        assertThat(sentBefore).isLessThan(lanes.emulator.ingestedCount());
        assertThat(lanes.emulator.duplicateCount()).isZero();
    }

    @Test
    void its_events_waiting_on_disk_are_dropped_as_they_come_back(@TempDir Path spill) throws Exception {
        // a window of 300 events and lanes whose share is small: most of the device's events wait on disk
        LanesOnAClock lanes = new LanesOnAClock(new EmulatorSettings(),
                new LanesOnAClock.Settings().deviceEps(300).window(300, spill));
        SourceUnit moved = lanes.unit;
        SourceUnit kept = new AckLedger().open("events-1");
        lanes.lanes.enqueue(RecordingListener.events(moved, List.of("device-000001"), 0, 2000));
        lanes.lanes.enqueue(RecordingListener.events(kept, List.of("device-000001"), 2000, 2600));
        assertThat(lanes.waitedOnDisk.get()).isPositive();
        lanes.runUntil("the first second's worth is sent", () -> lanes.emulator.ingestedCount() > 0);

        long dropped = lanes.lanes.withdraw(moved);

        assertThat(dropped).isEqualTo(moved.outstanding());
        // the device's later events, of the origin kept, follow the withdrawn ones on disk: they go, and in order
        lanes.runUntil("the kept origin is settled", () -> kept.outstanding() == 0);
        List<String> ingested = lanes.emulator.ingestedInsertIdsByDevice().get("device-000001");
        int sentOfMoved = 2000 - (int) dropped;
        assertThat(ingested.subList(0, sentOfMoved)).isEqualTo(inOrder("device-000001", 0, sentOfMoved));
        assertThat(ingested.subList(sentOfMoved, ingested.size())).isEqualTo(inOrder("device-000001", 2000, 2600));
        assertThat(lanes.lanes.awaitAllSettled(java.time.Duration.ZERO)).isTrue();
    }
}

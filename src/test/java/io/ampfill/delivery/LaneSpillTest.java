package io.ampfill.delivery;

import io.ampfill.ledger.AckLedger;
import io.ampfill.ledger.SourceUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A lane's events on disk come back whole, in order, with their source unit, however reads and writes interleave. */
class LaneSpillTest {
    @TempDir
    Path dir;

    @Test
    void events_come_back_in_order_with_their_ids_units_and_positions_while_more_are_added() throws IOException {
        AckLedger ledger = new AckLedger();
        SourceUnit first = ledger.open("first.ndjson");
        SourceUnit second = ledger.open("second.ndjson");
        List<OutboundEvent> written = new ArrayList<>();
        List<OutboundEvent> read = new ArrayList<>();
        try (LaneSpill spill = LaneSpill.create(dir)) {
            for (int i = 0; i < 3000; i++) {
                SourceUnit unit = i < 1000 || i >= 2500 ? first : second;
                // enough bytes that the writes are flushed to the file in between; some events have no user
                String json = "{\"event_type\":\"e" + i + "\",\"pad\":\"" + "x".repeat(i % 97) + "\",\"insert_id\":\"insert-" + i
                        + "\"}";
                // one user id longer than DataOutput.writeUTF takes (65,535 bytes): nothing else limits an id's length
                String user = i == 1234 ? "ü".repeat(40_000) + i : i % 3 == 0 ? null : "user-" + i;
                OutboundEvent event = new OutboundEvent("device-7", "device-7", user,
                        json.getBytes(StandardCharsets.UTF_8), unit, 10_000L + i, 1L + i);
                spill.add(event);
                written.add(event);
                if (i % 700 == 699) { // reads while the lane is still spilling
                    for (int k = 0; k < 400; k++) {
                        read.add(spill.take("device-7"));
                    }
                }
            }
            assertThat(spill.peek("device-7")).isNotNull();
            while (!spill.isEmpty()) {
                read.add(spill.take("device-7"));
            }
            assertThat(spill.peek("device-7")).isNull();
        }
        assertThat(Files.list(dir).toList()).as("the file is gone once closed").isEmpty();
        assertThat(read).hasSize(written.size());
        for (int i = 0; i < written.size(); i++) {
            OutboundEvent w = written.get(i);
            OutboundEvent r = read.get(i);
            assertThat(r.json()).as("json of event %d", i).isEqualTo(w.json());
            assertThat(r).usingRecursiveComparison().ignoringFields("json").isEqualTo(w);
            assertThat(r.origin()).isSameAs(w.origin());
            assertThat(r.insertId()).as("insert_id of event %d, from its JSON", i).isEqualTo("insert-" + i);
        }
    }

    @Test
    void leftovers_of_a_run_that_did_not_stop_cleanly_are_deleted_and_nothing_else() throws IOException {
        Files.writeString(dir.resolve("lane-123.spill"), "left over");
        Files.writeString(dir.resolve("notes.txt"), "not ours");

        LaneSpill.deleteLeftovers(dir);

        assertThat(Files.list(dir).map(p -> p.getFileName().toString()).toList()).containsExactly("notes.txt");
    }
}

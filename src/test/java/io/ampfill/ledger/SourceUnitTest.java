package io.ampfill.ledger;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SourceUnitTest {
    @Test
    void commits_only_the_prefix_whose_records_are_all_settled() {
        SourceUnit unit = new AckLedger().open("f.ndjson");
        for (int i = 0; i < 5; i++) {
            unit.nextOrdinal();
        }
        unit.settle(1);
        unit.settle(2);
        assertThat(unit.committedOrdinal()).isZero();
        unit.settle(0);
        assertThat(unit.committedOrdinal()).isEqualTo(3);
        unit.settle(4);
        assertThat(unit.committedOrdinal()).isEqualTo(3);
        unit.readComplete();
        assertThat(unit.settled()).isNotDone();
        unit.settle(3);
        assertThat(unit.committedOrdinal()).isEqualTo(5);
        assertThat(unit.settled()).isCompleted();
    }

    @Test
    void completes_without_holding_its_lock_so_the_commit_may_save_a_checkpoint() {
        // the commit saves under the checkpointer's lock, which the checkpoint timer holds while it takes the
        // unit's lock: completing under the unit's lock deadlocked the two (found by CrashResumeIT)
        for (boolean settleLast : new boolean[]{true, false}) {
            SourceUnit unit = new AckLedger().open("f.ndjson");
            unit.nextOrdinal();
            List<Boolean> heldWhileCompleting = new ArrayList<>();
            unit.settled().thenRun(() -> heldWhileCompleting.add(Thread.holdsLock(unit)));
            if (settleLast) {
                unit.readComplete();
                unit.settle(0);
            } else {
                unit.settle(0);
                unit.readComplete();
            }
            assertThat(heldWhileCompleting).containsExactly(false);
        }
    }

    @Test
    void keeps_the_watermark_right_over_a_long_file() {
        SourceUnit unit = new AckLedger().open("long.ndjson");
        int n = 300_000;
        for (int i = 0; i < n; i++) {
            unit.nextOrdinal();
        }
        for (int i = 0; i < n; i += 2) {
            unit.settle(i + 1);
            unit.settle(i);
        }
        assertThat(unit.committedOrdinal()).isEqualTo(n);
        assertThat(unit.outstanding()).isZero();
    }

    @Test
    void resumes_after_the_position_an_earlier_run_committed() {
        SourceUnit unit = new AckLedger().open("f.ndjson", "file:f.ndjson", "10@1", new CheckpointStore.Checkpoint("file:f.ndjson", "10@1", "7"));
        assertThat(unit.nextOrdinal()).isEqualTo(7);
        unit.readComplete();
        unit.settle(7);
        assertThat(unit.settled()).isCompleted();
        CheckpointStore.Checkpoint position = unit.checkpointIfMoved();
        assertThat(position.position()).isEqualTo("8");
        assertThat(unit.checkpointIfMoved()).as("offered again until stored").isEqualTo(position);
        unit.stored(position);
        assertThat(unit.checkpointIfMoved()).isNull();
    }

    @Test
    void refuses_to_settle_a_record_twice() {
        SourceUnit unit = new AckLedger().open("f.ndjson");
        unit.nextOrdinal();
        unit.settle(0);
        assertThatThrownBy(() -> unit.settle(0)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void offsets_that_skip_count_as_settled_and_the_watermark_passes_them() {
        SourceUnit unit = new AckLedger().openAt("events-3", 100);
        assertThat(unit.nextOrdinal()).isEqualTo(100);
        unit.skipTo(105); // 101..104 are not records
        assertThat(unit.nextOrdinal()).isEqualTo(105);
        unit.settle(105);
        assertThat(unit.committedOrdinal()).isEqualTo(100); // 100 is not settled yet
        unit.settle(100);
        assertThat(unit.committedOrdinal()).isEqualTo(106);
        assertThat(unit.outstanding()).isZero();
        unit.skipTo(110);
        assertThat(unit.committedOrdinal()).isEqualTo(110);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> unit.skipTo(109)).isInstanceOf(IllegalStateException.class);
    }
}

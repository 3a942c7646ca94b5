package io.ampfill.ledger;

import io.ampfill.deadletter.DeadLetterStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CheckpointerTest {
    /** A store whose first write fails, as a database that is briefly away. */
    @Test
    void saves_again_a_position_whose_first_save_failed() {
        AckLedger ledger = new AckLedger();
        FlakyCheckpointStore store = new FlakyCheckpointStore();
        try (Checkpointer checkpointer = new Checkpointer(ledger, store, Duration.ofHours(1), TestTimer.SHARED)) {
            SourceUnit unit = ledger.open("f.ndjson", "file:f.ndjson", "1@1", null);
            unit.nextOrdinal();
            unit.nextOrdinal();
            unit.settle(0);
            unit.settle(1);

            assertThatThrownBy(checkpointer::save).hasMessageContaining("unreachable");
            checkpointer.save();

            assertThat(store.saved).containsExactly(new CheckpointStore.Checkpoint("file:f.ndjson", "1@1", "2"));
        }
    }

    @Test
    void a_position_counting_a_dead_letter_is_saved_only_once_that_dead_letter_is_on_disk(@TempDir Path dir)
            throws Exception {
        Path rejected = dir.resolve("f.ndjson.rejected.ndjson");
        List<Long> deadLetterBytesAtSave = new ArrayList<>();
        FlakyCheckpointStore store = new FlakyCheckpointStore() {
            @Override
            public void save(Collection<Checkpoint> checkpoints) {
                try {
                    deadLetterBytesAtSave.add(Files.exists(rejected) ? Files.size(rejected) : 0L);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                super.save(checkpoints);
            }
        };
        store.failuresLeft = 0;
        AckLedger ledger = new AckLedger();
        try (DeadLetterStore deadLetters = new DeadLetterStore(dir);
             Checkpointer checkpointer = new Checkpointer(ledger, store.runningBeforeEverySave(deadLetters::flush),
                     Duration.ofHours(1), TestTimer.SHARED)) {
            SourceUnit unit = ledger.open("f.ndjson", "file:f.ndjson", "1@1", null);
            unit.nextOrdinal();
            deadLetters.writeRaw(unit, 0, 1, "not valid JSON", "{oops", null);
            unit.settle(0);

            checkpointer.save();

            assertThat(store.saved).containsExactly(new CheckpointStore.Checkpoint("file:f.ndjson", "1@1", "1"));
            assertThat(deadLetterBytesAtSave).hasSize(1);
            assertThat(deadLetterBytesAtSave.get(0)).as("dead letter on disk when its position is saved").isPositive();
        }
    }
}

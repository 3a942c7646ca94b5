package io.ampfill.ledger;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CheckpointerTest {
    /** A store whose first write fails, as a database that is briefly away. */
    private static final class FlakyStore implements CheckpointStore {
        final List<Checkpoint> saved = new ArrayList<>();
        int failuresLeft = 1;

        @Override
        public Optional<Checkpoint> load(String source) {
            return Optional.empty();
        }

        @Override
        public void save(Collection<Checkpoint> checkpoints) {
            if (failuresLeft-- > 0) {
                throw new IllegalStateException("state store unreachable");
            }
            saved.addAll(checkpoints);
        }

        @Override
        public void retainOnly(String prefix, Collection<String> sources) {
        }

        @Override
        public void close() {
        }
    }

    @Test
    void saves_again_a_position_whose_first_save_failed() {
        AckLedger ledger = new AckLedger();
        FlakyStore store = new FlakyStore();
        try (Checkpointer checkpointer = new Checkpointer(ledger, store, Duration.ofHours(1))) {
            SourceUnit unit = ledger.open("f.ndjson", "file:f.ndjson", "1@1", 0);
            unit.nextOrdinal();
            unit.nextOrdinal();
            unit.settle(0);
            unit.settle(1);

            assertThatThrownBy(checkpointer::save).hasMessageContaining("unreachable");
            checkpointer.save();

            assertThat(store.saved).containsExactly(new CheckpointStore.Checkpoint("file:f.ndjson", "1@1", "2"));
        }
    }
}

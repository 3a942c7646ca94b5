package io.ampfill.ledger;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A state store that is down for its first save ("state store unreachable"), then keeps what it is given. */
public class FlakyCheckpointStore implements CheckpointStore {
    public final List<Checkpoint> saved = new ArrayList<>();
    /** Saves still to fail. */
    protected int failuresLeft = 1;

    @Override
    public Optional<Checkpoint> load(String source) {
        return Optional.empty();
    }

    @Override
    public Map<String, Checkpoint> loadAll(String prefix) {
        return Map.of();
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

package io.ampfill.ledger;

import java.util.Collection;
import java.util.Optional;

/**
 * Where committed source positions survive a crash: for each partly sent source (a file name, later a
 * table), its fingerprint (so a different file under the same name starts over) and the position up to
 * which every record is settled.
 */
public interface CheckpointStore extends AutoCloseable {

    record Checkpoint(String source, String fingerprint, String position) {
    }

    Optional<Checkpoint> load(String source);

    void save(Collection<Checkpoint> checkpoints);

    /** Forgets every source whose key starts with the prefix and is not in the given set (files since moved to done, say). */
    void retainOnly(String prefix, Collection<String> sources);

    @Override
    void close();

    /** A dry run must not record positions: a later real run would skip what was never sent. */
    CheckpointStore NONE = new CheckpointStore() {
        @Override
        public Optional<Checkpoint> load(String source) {
            return Optional.empty();
        }

        @Override
        public void save(Collection<Checkpoint> checkpoints) {
        }

        @Override
        public void retainOnly(String prefix, Collection<String> sources) {
        }

        @Override
        public void close() {
        }
    };
}

package io.ampfill.ledger;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * Where committed source positions survive a crash: for each partly sent source (a file name, later a
 * table), its fingerprint (so a different file under the same name starts over) and the position up to
 * which every record is settled.
 */
public interface CheckpointStore extends AutoCloseable {

    record Checkpoint(String source, String fingerprint, String position) {
    }

    /** The store cannot be opened, read or written; the message says which and why, without credentials. */
    final class StoreException extends IllegalStateException {
        public StoreException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    Optional<Checkpoint> load(String source);

    /** Every checkpoint whose source starts with the prefix, by source: read once, rather than one query a file. */
    Map<String, Checkpoint> loadAll(String prefix);

    void save(Collection<Checkpoint> checkpoints);

    /** Forgets every source whose key starts with the prefix and is not in the given set (files since moved to done, say). */
    void retainOnly(String prefix, Collection<String> sources);

    @Override
    void close();

    /**
     * This store, running {@code first} before every save. A position counts dead-lettered records as settled, so
     * the dead letters must be on disk before it is: otherwise a crash right after the save loses them (they were
     * neither delivered nor kept). Every save, by the checkpointer or by a database source, goes through here.
     */
    default CheckpointStore runningBeforeEverySave(Runnable first) {
        CheckpointStore store = this;
        return new CheckpointStore() {
            @Override
            public Optional<Checkpoint> load(String source) {
                return store.load(source);
            }

            @Override
            public Map<String, Checkpoint> loadAll(String prefix) {
                return store.loadAll(prefix);
            }

            @Override
            public void save(Collection<Checkpoint> checkpoints) {
                first.run();
                store.save(checkpoints);
            }

            @Override
            public void retainOnly(String prefix, Collection<String> sources) {
                store.retainOnly(prefix, sources);
            }

            @Override
            public void close() {
                store.close();
            }
        };
    }

    /** A dry run must not record positions: a later real run would skip what was never sent. */
    CheckpointStore NONE = new CheckpointStore() {
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
        }

        @Override
        public void retainOnly(String prefix, Collection<String> sources) {
        }

        @Override
        public void close() {
        }
    };
}

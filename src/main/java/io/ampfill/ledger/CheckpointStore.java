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

    /**
     * A source's position, as text: its own ({@link #sourcePosition()}: a record count, a cursor), after the length of its
     * dead-letter file when it was saved and a semicolon ({@code 2048;5000}); a position saved without that length (by a
     * dry run, or a version before) is the source's alone.
     */
    record Checkpoint(String source, String fingerprint, String position) {

        public static String position(String sourcePosition, long deadLetterLength) {
            return deadLetterLength < 0 ? sourcePosition : deadLetterLength + ";" + sourcePosition;
        }

        public String sourcePosition() {
            int end = endOfLength();
            return end < 0 ? position : position.substring(end + 1);
        }

        /** The length of the source's dead-letter file when the position was saved; -1 if it was saved without it. */
        public long deadLetterLength() {
            int end = endOfLength();
            return end < 0 ? -1 : Long.parseLong(position.substring(0, end));
        }

        /** Where the length's digits end; -1 without them (a cursor's text starts with "[", a count has no ";"). */
        private int endOfLength() {
            int semicolon = position.indexOf(';');
            if (semicolon < 1 || semicolon > 18) {
                return -1;
            }
            for (int i = 0; i < semicolon; i++) {
                if (position.charAt(i) < '0' || position.charAt(i) > '9') {
                    return -1;
                }
            }
            return semicolon;
        }
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

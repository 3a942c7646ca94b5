package io.ampfill.source.jdbc;

import io.ampfill.secret.SecretText;

import io.ampfill.ledger.AckLedger;
import io.ampfill.ledger.CheckpointStore;
import io.ampfill.ledger.DeadLetterTrail;
import io.ampfill.ledger.SourceUnit;
import io.ampfill.source.SourceRecord;

import java.io.Closeable;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

/**
 * The database source as the jdbc route uses it: pre-existing users first, then the events table, page
 * after page in cursor order. Each page is a unit of the ledger. The cursor stored in the checkpoint
 * store is the last cursor of the newest page whose records, and every earlier page's, are all
 * acknowledged or dead-lettered; a restart reads after it, so a committed row is never read again.
 *
 * <p>The users' signup events must reach Amplitude before their other events, which go through other
 * lanes (by device): so the events phase starts only once every signup is acknowledged.
 */
public final class JdbcSource implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(JdbcSource.class);

    /** A page handed to the route: its records and the ledger unit they settle. */
    public record PageChunk(List<SourceRecord> records, SourceUnit unit) {
    }

    /**
     * One source read in cursor order, with the position read so far, the pages waiting to commit and those settled
     * but not yet saved (the saved cursor stops short of a page whose dead letters a later page's came before).
     */
    private final class Phase {
        final PagedSource reader;
        final String key;
        /** Where this run started reading: the position the last run saved (null: from the first row). */
        CursorPosition resumedFrom;
        Object lastRead;
        final ArrayDeque<Pending> pending = new ArrayDeque<>();
        final ArrayDeque<Pending> settledUnsaved = new ArrayDeque<>();
        /** Numbers this run's pages, for the dead-letter trail. */
        long nextPage;
        /** Set by {@link #resume()}. */
        DeadLetterTrail trail;
        /** The cursor that goes with the trail's last cut, and the position text last saved. */
        CursorPosition cutCursor;
        String savedPosition;

        Phase(PagedSource reader) throws Exception {
            this.reader = reader;
            this.key = "jdbc:" + reader.sourceName();
            warnAboutRowsWithoutCursor(reader.sourceName(), reader.rowsWithoutCursor());
        }

        /**
         * Where the last run stopped reading, and the source's dead-letter file cut back to the length saved with it:
         * only once the source is this run's (locked), as the file and the position are another run's until then.
         */
        void resume() {
            Optional<CheckpointStore.Checkpoint> saved = checkpoints.load(key);
            String cursor = saved.map(CheckpointStore.Checkpoint::sourcePosition).orElse("");
            this.cutCursor = cursor.isEmpty() ? null : CursorPosition.parse(cursor);
            this.resumedFrom = cutCursor;
            this.lastRead = cutCursor;
            this.savedPosition = saved.map(CheckpointStore.Checkpoint::position).orElse(null);
            this.trail = ledger.trail(reader.sourceName(), 0, saved.map(CheckpointStore.Checkpoint::deadLetterLength).orElse(-1L),
                    () -> commitSettled(this));
        }
    }

    private record Pending(SourceUnit unit, CursorPosition cursor, long page) {
    }

    private final AckLedger ledger;
    private final CheckpointStore checkpoints;
    private final BooleanSupplier stopping;
    private final Phase users;
    private final Phase events;
    private final String password;
    private final DatabaseSourceLock lock;
    private final RowCount rowCount;

    /**
     * @param oneRunAtATime lock the sources in the database for this run (not in a dry run, which records nothing)
     * @throws io.ampfill.source.SourceLockException another run reads one of them
     */
    public JdbcSource(JdbcSourceSettings eventSettings, Optional<UsersSettings> userSettings, AckLedger ledger,
                      CheckpointStore checkpoints, BooleanSupplier stopping, boolean oneRunAtATime) throws Exception {
        this.ledger = ledger;
        this.checkpoints = checkpoints;
        this.stopping = stopping;
        this.password = eventSettings.password();
        DriverDataSource database = eventSettings.dataSource();
        this.rowCount = new RowCount(database, password);
        this.events = new Phase(new JdbcTableReader(database, eventSettings));
        DatabaseSourceLock taken = null;
        try {
            this.users = userSettings.isPresent()
                    ? new Phase(UsersSource.open(userSettings.get(), userSettings.get().csv() == null ? database : null))
                    : null;
            List<String> sources = users == null ? List.of(events.key) : List.of(users.key, events.key);
            // before the positions are read and the dead letters cut back: a run that held the lock until now has
            // saved its last position, and written its last dead letter
            taken = oneRunAtATime ? DatabaseSourceLock.take(database, password, sources) : null;
            if (users != null) {
                users.resume();
            }
            events.resume();
        } catch (Exception e) {
            closeReaders();
            if (taken != null) {
                taken.close();
            }
            throw e;
        }
        this.lock = taken;
    }

    /** Rows whose cursor is NULL are never in a page; a person must hear of them rather than lose them silently. */
    private static void warnAboutRowsWithoutCursor(String source, long rows) {
        if (rows > 0) {
            LOG.warn("{}: {} rows have no cursor value (NULL) and are not read", source, rows);
        }
    }

    /** The pre-existing users added since the last run, as signup records, page by page (none without backfill.users.*). */
    public Iterator<PageChunk> userPages() {
        return users == null ? java.util.Collections.emptyIterator() : new Pages(users);
    }

    /**
     * The event rows added since the last position, read lazily page by page. Ends at the first page
     * that is not full, or when the run is stopping. (The splitter looks one page ahead, so reading
     * must not wait for anything the current page has yet to deliver.)
     */
    public Iterator<PageChunk> eventPages() {
        return new Pages(events);
    }

    /**
     * Counts, on the executor handed in, the rows this run has to read, and tells {@code total} once it knows: the
     * users' (when there are any) and the events' after the positions the run resumed from, rows whose cursor is NULL
     * left out. The count reads on connections of its own, so the pages are not held back; one that fails, or that
     * {@link #stopCounting()} ends, tells nothing, and progress shows the rows read without a total.
     */
    public void countRowsToRead(Executor executor, LongConsumer total) {
        executor.execute(() -> {
            try {
                long rows = events.reader.rowsFrom(events.resumedFrom, rowCount);
                if (users != null) {
                    rows += users.reader.rowsFrom(users.resumedFrom, rowCount);
                }
                total.accept(rows);
            } catch (Exception e) {
                String why = SecretText.mask(String.valueOf(e.getMessage()), password);
                if (rowCount.cancelled()) {
                    LOG.debug("{}: the count of the rows to read was stopped with the run ({})", events.reader.sourceName(), why);
                } else {
                    LOG.info("{}: the rows to read could not be counted ({}); progress shows the rows read without a total",
                            events.reader.sourceName(), why);
                }
            }
        });
    }

    /** Ends a count of the rows to read that is still running: the run is stopping and will not wait for it. */
    public void stopCounting() {
        rowCount.cancel();
    }

    /** True when everything read so far is committed: a run-once may end after a poll that found nothing new. */
    public synchronized boolean caughtUp() {
        return (users == null || users.pending.isEmpty()) && events.pending.isEmpty();
    }

    @Override
    public void close() {
        stopCounting();
        closeReaders();
        if (lock != null) {
            lock.close();
        }
    }

    private void closeReaders() {
        events.reader.close();
        if (users != null) {
            users.reader.close();
        }
    }

    /** Registers a page read from a phase: a unit of the ledger, and a cursor to commit once it settles. */
    private PageChunk register(Phase phase, JdbcTableReader.Page page) {
        SourceUnit unit;
        synchronized (this) {
            unit = ledger.openPage(phase.reader.sourceName(), phase.nextPage);
            phase.pending.addLast(new Pending(unit, page.lastCursor(), phase.nextPage++));
        }
        phase.lastRead = page.lastCursor();
        unit.settled().whenComplete((u, failure) -> {
            if (failure == null) {
                commitSettled(phase);
            }
        });
        return new PageChunk(page.records(), unit);
    }

    /** The route handed every record of the page to delivery: once they settle, the page commits. */
    public void handedOver(PageChunk chunk) {
        chunk.unit().readComplete();
    }

    /**
     * Stores the cursor of the newest page that, with every page before it, is settled, with the length of the dead
     * letters that goes with it; or of an earlier page, where a later page's dead letters came before an earlier one's.
     * Also saves where the dead letters start, before the first is written (the trail's saveStart).
     */
    private synchronized void commitSettled(Phase phase) {
        // a page that failed (a fatal stop) is not settled: nothing after it commits, even if it completed since
        while (!phase.pending.isEmpty() && settledNormally(phase.pending.peekFirst().unit())) {
            phase.settledUnsaved.addLast(phase.pending.pollFirst());
        }
        try {
            DeadLetterTrail.Cut cut = phase.trail.cutAt(phase.pending.isEmpty() ? phase.nextPage : phase.pending.peekFirst().page());
            while (!phase.settledUnsaved.isEmpty() && phase.settledUnsaved.peekFirst().page() < cut.position()) {
                phase.cutCursor = phase.settledUnsaved.pollFirst().cursor();
            }
            String position = CheckpointStore.Checkpoint.position(phase.cutCursor == null ? "" : phase.cutCursor.toText(),
                    cut.length());
            if (!position.equals(phase.savedPosition)) {
                checkpoints.save(List.of(new CheckpointStore.Checkpoint(phase.key, "", position)));
                phase.savedPosition = position;
                phase.trail.stored(cut);
            }
        } catch (RuntimeException e) {
            // this runs on the thread that settled the page, whose caller cannot act on it: say so, lose nothing
            if (!ledger.failed()) { // else the run's last line says why
                LOG.warn("{}: could not save the position of the rows delivered so far ({}); a later run reads them again,"
                        + " and Amplitude drops what it already has", phase.reader.sourceName(),
                        SecretText.mask(String.valueOf(e.getMessage()), password));
            }
        } finally {
            notifyAll();
        }
    }

    private static boolean settledNormally(SourceUnit unit) {
        return unit.settled().isDone() && !unit.settled().isCompletedExceptionally();
    }

    /** Before any event goes out, every signup is acknowledged: it travels in another lane than the user's events. */
    public synchronized void awaitUsersSettled() throws InterruptedException {
        while (users != null && !users.pending.isEmpty() && !stopping.getAsBoolean()) {
            wait(100);
        }
    }

    private final class Pages implements Iterator<PageChunk>, Closeable {
        private final Phase phase;
        private PageChunk next;
        private boolean done;

        Pages(Phase phase) {
            this.phase = phase;
        }

        @Override
        public boolean hasNext() {
            while (next == null && !done) {
                if (stopping.getAsBoolean()) {
                    done = true;
                    break;
                }
                try {
                    JdbcTableReader.Page page = phase.reader.readPage(phase.lastRead);
                    if (!page.records().isEmpty()) {
                        next = register(phase, page);
                    }
                    done = !page.full();
                } catch (Exception e) {
                    throw new IllegalStateException("cannot read " + phase.reader.sourceName() + ": "
                            + SecretText.mask(String.valueOf(e.getMessage()), password), e);
                }
            }
            return next != null;
        }

        @Override
        public PageChunk next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            PageChunk chunk = next;
            next = null;
            return chunk;
        }

        @Override
        public void close() {
            done = true;
        }
    }
}

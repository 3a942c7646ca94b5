package io.ampfill.deadletter;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ampfill.ledger.AckLedger;
import io.ampfill.ledger.CheckpointStore;
import io.ampfill.ledger.Checkpointer;
import io.ampfill.ledger.FlakyCheckpointStore;
import io.ampfill.ledger.JdbcCheckpointStore;
import io.ampfill.camel.SettledGate;
import io.ampfill.ledger.SourceUnit;
import io.ampfill.ledger.TestTimer;
import io.ampfill.report.RunReport;
import io.ampfill.source.FileSource;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Dead letters written once per record across runs: a run's dead-letter store, ledger and checkpointer over a real
 * state store (H2 in a temporary folder), stopped as a kill would stop them (what reached the file stays, nothing
 * more is saved) or closed as a stop does, then a run that resumes the same file.
 */
class DeadLettersAcrossRunsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FILE = "events.ndjson";
    private static final String KEY = "file:" + FILE;
    private static final String FINGERPRINT = "100@1";
    private static final java.util.function.Function<Path, String> STATE_URL = dir -> "jdbc:h2:file:" + dir.resolve("state/ampfill");

    @TempDir
    Path work;

    /** One run over the file: its stores, its ledger and the unit of the file, resumed from what the store holds. */
    final class Run implements AutoCloseable {
        final DeadLetterStore deadLetters = new DeadLetterStore(work.resolve("dead-letter"));
        final List<String> withdrawn = new ArrayList<>();
        final JdbcCheckpointStore state = JdbcCheckpointStore.open(STATE_URL.apply(work), "sa", "");
        final Checkpointer checkpointer;
        final SourceUnit unit;

        Run() {
            deadLetters.onWithdrawn(withdrawn::add);
            AckLedger ledger = new AckLedger(deadLetters);
            checkpointer = new Checkpointer(ledger, state.runningBeforeEverySave(deadLetters::flush), Duration.ofHours(1),
                    TestTimer.SHARED);
            unit = ledger.open(FILE, KEY, FINGERPRINT, state.load(KEY).orElse(null));
        }

        /** Reads the next record: rejected (its line written as it is read) or handed over, left to settle. */
        long read(boolean rejected) {
            long ordinal = unit.nextOrdinal();
            if (rejected) {
                reject(ordinal);
            }
            return ordinal;
        }

        /** Its line, then settled: as at read time, or when Amplitude refuses the event. */
        void reject(long ordinal) {
            deadLetters.writeRaw(unit, ordinal, ordinal + 1, "rejected", "record " + ordinal, null);
            unit.settle(ordinal);
        }

        /** From a connection of its own: the run's may be closed. */
        String savedPosition() {
            try (JdbcCheckpointStore reading = JdbcCheckpointStore.open(STATE_URL.apply(work), "sa", "")) {
                return reading.load(KEY).map(CheckpointStore.Checkpoint::position).orElse(null);
            }
        }

        /** A kill: what reached the file stays, nothing more is saved or cut. */
        void kill() {
            deadLetters.flush();
            state.close();
        }

        /** A stop: the last position saved, then the store closed. */
        @Override
        public void close() {
            checkpointer.close();
            deadLetters.close();
        }
    }

    @Test
    void a_killed_run_s_lines_past_its_saved_position_are_cut_and_written_again_once() throws Exception {
        Run first = new Run();
        first.read(false);                // 0, delivered below
        first.read(true);                 // 1 rejected
        first.unit.settle(0);
        first.checkpointer.save();        // position 2
        first.read(false);                // 2, still in flight at the kill
        first.read(true);                 // 3 rejected, past the position
        first.read(true);                 // 4 rejected
        first.checkpointer.save();        // stays at 2
        first.kill();
        assertThat(ordinalsInFile()).containsExactly(1L, 3L, 4L);

        try (Run second = new Run()) {
            assertThat(second.unit.committedOrdinal()).isEqualTo(2);
            assertThat(ordinalsInFile()).as("cut back to the saved position's length").containsExactly(1L);
            for (long ordinal = 2; ordinal < 5; ordinal++) {
                assertThat(second.read(ordinal == 3 || ordinal == 4)).isEqualTo(ordinal);
            }
            second.unit.settle(2);
        }
        assertThat(ordinalsInFile()).containsExactly(1L, 3L, 4L);
    }

    @Test
    void a_line_of_an_earlier_record_written_after_a_later_one_keeps_the_saved_position_before_both() throws Exception {
        Run first = new Run();
        for (int i = 0; i < 12; i++) {
            first.read(i == 8 || i == 10);  // 8 and 10 rejected as read, ahead of the others' delivery
        }
        for (long i = 0; i < 8; i++) {
            if (i == 3) {
                first.reject(3);            // Amplitude refuses 3: its line comes after those of 8 and 10
            } else {
                first.unit.settle(i);
            }
        }
        first.checkpointer.save();        // settled up to 9, but the file holds 8, 10, 3
        assertThat(first.unit.committedOrdinal()).isEqualTo(9);
        assertThat(first.savedPosition()).as("saved before 3: its line follows those of 8 and 10").endsWith(";3");
        first.kill();

        try (Run second = new Run()) {
            assertThat(second.unit.committedOrdinal()).isEqualTo(3);
            assertThat(ordinalsInFile()).isEmpty();
            for (long ordinal = 3; ordinal < 12; ordinal++) {
                second.read(ordinal == 8 || ordinal == 10);
            }
            second.reject(3);
            for (long ordinal = 4; ordinal < 12; ordinal++) {
                if (ordinal != 8 && ordinal != 10) {
                    second.unit.settle(ordinal);
                }
            }
            second.checkpointer.save();
            assertThat(second.savedPosition()).endsWith(";12");
        }
        assertThat(ordinalsInFile()).containsExactlyInAnyOrder(3L, 8L, 10L);
    }

    @Test
    void a_line_written_in_order_after_the_settled_ones_leaves_the_saved_position_where_it_is() throws Exception {
        try (Run run = new Run()) {
            for (int i = 0; i < 8; i++) {
                run.read(false);
            }
            run.reject(3);                  // refused before 8 and 10 are read: its line comes first
            for (int i = 8; i < 12; i++) {
                run.read(i == 8 || i == 10);
            }
            for (long i = 0; i < 12; i++) {
                if (i != 3 && i != 8 && i != 10 && i != 9) {
                    run.unit.settle(i);
                }
            }
            run.checkpointer.save();
            assertThat(run.savedPosition()).endsWith(";9");
        }
    }

    @Test
    void where_the_dead_letters_start_is_saved_before_the_first_is_written() throws Exception {
        Path file = Files.createDirectories(work.resolve("dead-letter")).resolve(FILE + ".rejected.ndjson");
        Files.writeString(file, "{\"reason\":\"an earlier file of this name\"}\n");
        long before = Files.size(file);
        List<Long> fileSizeAtSave = new ArrayList<>();
        DeadLetterStore deadLetters = new DeadLetterStore(work.resolve("dead-letter"));
        FlakyCheckpointStore state = new FlakyCheckpointStore() {
            {
                failuresLeft = 0;
            }

            @Override
            public void save(Collection<Checkpoint> checkpoints) {
                try {
                    fileSizeAtSave.add(Files.size(file));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                super.save(checkpoints);
            }
        };
        AckLedger ledger = new AckLedger(deadLetters);
        try (Checkpointer checkpointer = new Checkpointer(ledger, state, Duration.ofHours(1), TestTimer.SHARED)) {
            SourceUnit unit = ledger.open(FILE, KEY, FINGERPRINT, null);
            unit.nextOrdinal();
            deadLetters.writeRaw(unit, 0, 1, "rejected", "record 0", null);

            assertThat(fileSizeAtSave).as("saved once, before the line was written").containsExactly(before);
            assertThat(state.saved).containsExactly(new CheckpointStore.Checkpoint(KEY, FINGERPRINT, before + ";0"));
        }
        deadLetters.close();
    }

    @Test
    void a_stopped_run_cuts_what_its_position_does_not_count_and_says_which_it_took_back() throws Exception {
        Run run = new Run();
        run.read(true);                   // 0
        run.read(false);                  // 1, still in flight as the run stops
        run.read(true);                   // 2, rejected past the position
        run.close();

        assertThat(run.savedPosition()).endsWith(";1");
        assertThat(ordinalsInFile()).containsExactly(0L);
        assertThat(run.withdrawn).containsExactly("rejected");
    }

    @Test
    void a_stop_before_any_position_counts_a_line_leaves_no_file() throws Exception {
        Run run = new Run();
        run.read(false);
        run.read(true);
        run.close();

        assertThat(work.resolve("dead-letter").resolve(FILE + ".rejected.ndjson")).doesNotExist();
        assertThat(run.withdrawn).hasSize(1);
    }

    @Test
    void a_line_cut_off_by_a_crash_is_removed_before_the_next_is_written() throws Exception {
        Path file = Files.createDirectories(work.resolve("dead-letter")).resolve(FILE + ".rejected.ndjson");
        Files.writeString(file, "{\"reason\":\"whole\",\"line\":7}\n{\"reason\":\"cut off by a cra");
        try (Run run = new Run()) {
            run.read(true);
        }
        assertThat(Files.readAllLines(file)).hasSize(2).allSatisfy(line -> assertThat(JSON.readTree(line).isObject()).isTrue());
    }

    @Test
    void lines_far_ahead_of_a_waiting_record_are_merged_past_a_bound_and_the_cut_stays_valid() {
        try (Run run = new Run()) {
            long waiting = run.read(false);
            int ahead = 200_000;
            for (int i = 0; i < ahead; i++) {
                run.read(true);
            }
            run.checkpointer.save();
            assertThat(run.savedPosition()).endsWith(";" + waiting);
            run.unit.settle(waiting);
            run.checkpointer.save();
            assertThat(run.savedPosition()).endsWith(";" + (ahead + 1));
        }
    }

    @Test
    void a_file_read_to_its_end_has_its_lines_written_saves_no_last_position_and_keeps_its_lines_at_the_stop() throws Exception {
        Run run = new Run();
        run.read(true);                   // 0: its line first saves where the file's dead letters start
        run.read(false);                  // 1
        run.read(true);                   // 2
        String startSaved = run.savedPosition();
        run.unit.settle(1);
        Exchange file = throughSettledGate(run);

        assertThat(file.getException()).isNull();
        assertThat(ordinalsInFile()).as("on disk before the file moves").containsExactly(0L, 2L);
        assertThat(run.savedPosition()).as("no save as it moves to done").isEqualTo(startSaved);
        run.close();
        assertThat(ordinalsInFile()).as("not cut back to the saved length at the stop").containsExactly(0L, 2L);
        assertThat(run.withdrawn).isEmpty();
    }

    @Test
    void a_file_cut_short_saves_its_position_with_its_dead_letters_and_the_next_run_resumes_there() throws Exception {
        Run run = new Run();
        run.read(true);                   // 0
        run.read(false);                  // 1
        run.read(true);                   // 2, the last read before the stop
        run.unit.cutReading();
        run.unit.settle(1);
        Exchange file = throughSettledGate(run);

        assertThat(file.getException()).isInstanceOf(SettledGate.ReadStoppedException.class);
        assertThat(run.savedPosition()).endsWith(";3");
        run.close();
        assertThat(ordinalsInFile()).containsExactly(0L, 2L);
        try (Run second = new Run()) {
            assertThat(second.unit.committedOrdinal()).isEqualTo(3);
            assertThat(ordinalsInFile()).containsExactly(0L, 2L);
        }
    }

    /** The file route's last step over the run's unit, as it completes its file's exchange. */
    private static Exchange throughSettledGate(Run run) throws Exception {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty(FileSource.UNIT, run.unit);
        SettledGate gate = new SettledGate(run.checkpointer, new RunReport(), run.deadLetters::flush);
        assertThat(gate.process(exchange, doneSync -> { })).as("settled already: done at once").isTrue();
        return exchange;
    }

    /** The ordinals of the lines in the file, in the file's order (the raw text names them). */
    private List<Long> ordinalsInFile() throws IOException {
        Path file = work.resolve("dead-letter").resolve(FILE + ".rejected.ndjson");
        List<Long> ordinals = new ArrayList<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                ordinals.add(Long.parseLong(JSON.readTree(line).path("raw").asText().substring("record ".length())));
            }
        }
        return ordinals;
    }
}

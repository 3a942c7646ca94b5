package io.ampfill.observe;

import io.ampfill.delivery.LaneGauges;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Progress written where no terminal is (a pipe, a log file): whole lines, one per interval, on the test's clock. */
class ProgressDisplayTest {
    private static final long S = 1_000_000_000L;

    @Test
    void piped_output_writes_one_progress_line_per_interval() {
        AtomicLong clock = new AtomicLong(42 * S);
        AtomicLong delivered = new AtomicLong();
        List<String> lines = new ArrayList<>();
        ProgressDisplay display = ProgressDisplay.lines(() -> new ProgressReading(6_000, delivered.get(), 0, 0, 0, 100, 100, -1,
                LaneGauges.NONE), clock::get, Duration.ofSeconds(10), lines::add);

        // ticked each second for 35 s, one tick late by 1.5 s, as a busy timer may be
        for (int t = 1; t <= 35; t++) {
            clock.set(42 * S + t * S + (t == 20 ? 1_500_000_000L : 0));
            delivered.set(150L * t);
            display.tick();
        }

        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).isEqualTo("progress: delivered 1,500 of 6,000 (25%) · ETA 30s · 150 ev/s · read 100% of 100 B"
                + " · retries 0 · 429s 0 · dead-lettered 0 · paused devices 0");
        assertThat(lines.get(2)).startsWith("progress: delivered 4,500 of 6,000 (75%)");
        assertThat(lines).allSatisfy(line -> assertThat(line).doesNotContain("\r", "\u001b"));
    }

    @Test
    void closed_it_writes_nothing_more() {
        AtomicLong clock = new AtomicLong();
        List<String> lines = new ArrayList<>();
        ProgressDisplay display = ProgressDisplay.lines(() -> new ProgressReading(1, 0, 0, 0, 0, 0, 0, -1, LaneGauges.NONE),
                clock::get, Duration.ofSeconds(1), lines::add);
        display.close();
        clock.set(5 * S);
        display.tick();

        assertThat(lines).isEmpty();
    }
}

package io.ampfill.observe;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Shows progress while a run goes: on a terminal one live line (progressbar's, redrawn in place), else one plain line
 * every interval through the given writer (a log: a file, CI, systemd keep whole lines). Ticked by a timer of its
 * owner's, about once a second, on the clock it is given, so that the rate and the lines' times follow that clock.
 */
public final class ProgressDisplay implements AutoCloseable {
    /** How often a tick samples the counts: the rate "now" and the live line move at this pace. */
    public static final Duration TICK = Duration.ofSeconds(1);

    private final Supplier<ProgressReading> readings;
    private final LongSupplier nanoTime;
    private final ProgressModel model = new ProgressModel();
    private final long intervalNanos;
    private final Consumer<String> lines;
    private final ProgressBar bar;
    private long nextLineAt;
    private volatile Progress last;
    private boolean closed;

    private ProgressDisplay(Supplier<ProgressReading> readings, LongSupplier nanoTime, Duration interval,
                            Consumer<String> lines, ProgressBar bar) {
        this.readings = readings;
        this.nanoTime = nanoTime;
        this.intervalNanos = interval.toNanos();
        this.lines = lines;
        this.bar = bar;
        this.nextLineAt = nanoTime.getAsLong() + intervalNanos;
    }

    /** One plain line every {@code interval} (the first after one interval), written by {@code lines}. */
    public static ProgressDisplay lines(Supplier<ProgressReading> readings, LongSupplier nanoTime, Duration interval,
                                        Consumer<String> lines) {
        return new ProgressDisplay(readings, nanoTime, interval, lines, null);
    }

    /** A live line on the terminal: the events settled of the total known, the ETA of the model, the details beside. */
    public static ProgressDisplay terminal(Supplier<ProgressReading> readings, LongSupplier nanoTime) {
        ProgressDisplay[] self = new ProgressDisplay[1];
        ProgressBar bar = new ProgressBarBuilder()
                .setTaskName("ampfill")
                .setInitialMax(-1)
                .setUnit(" events", 1)
                .setUpdateIntervalMillis((int) TICK.toMillis())
                // the bar's own ETA extrapolates its count; the model's knows the slowest device
                .setEtaFunction(state -> Optional.ofNullable(self[0].last).map(Progress::eta))
                .build();
        self[0] = new ProgressDisplay(readings, nanoTime, TICK, null, bar);
        return self[0];
    }

    /** Samples the counts; on a terminal moves the live line, else writes a line if an interval has passed. */
    public synchronized void tick() {
        if (closed) {
            return;
        }
        long now = nanoTime.getAsLong();
        Progress progress = model.update(now, readings.get());
        last = progress;
        if (bar != null) {
            if (progress.recordsTotal() >= 0) {
                bar.maxHint(progress.recordsTotal());
            }
            bar.stepTo(progress.reading().settled());
            bar.setExtraMessage(ProgressLine.details(progress));
            return;
        }
        if (now >= nextLineAt) {
            lines.accept("progress: " + ProgressLine.line(progress));
            while (nextLineAt <= now) {
                nextLineAt += intervalNanos;
            }
        }
    }

    /** The progress of the last tick (null before the first). */
    public Progress last() {
        return last;
    }

    /** Stops: a terminal's line is drawn a last time and ended, so what follows starts on a line of its own. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        if (bar != null) {
            tick();
            bar.close();
        }
        closed = true;
    }
}

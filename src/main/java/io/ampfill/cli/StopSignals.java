package io.ampfill.cli;

import sun.misc.Signal;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ctrl-C (SIGINT) and SIGTERM. The first says so in one line and stops the run as the JVM's own handler would: its
 * shutdown hooks run, Camel stops reading and delivers what was read, up to backfill.shutdown-timeout, and the
 * positions are saved. A second stops at once: positions saved, report printed, exit code as for the first signal.
 *
 * <p>Why sun.misc.Signal, the JDK's unsupported API: while the shutdown hooks run, the JVM's own handler blocks in
 * Runtime.exit on a second signal and the user cannot stop a slow delivery at all; Java has no public way to hear it.
 */
final class StopSignals {
    private final AmpfillApp app;
    /** 0 until the first signal; then the exit code it asks for. */
    private final AtomicInteger exitCode = new AtomicInteger();

    private StopSignals(AmpfillApp app) {
        this.app = app;
    }

    /** Takes over SIGINT and SIGTERM for this run; where the JVM does not let it (-Xrs), its own handling stays. */
    static void install(AmpfillApp app) {
        StopSignals signals = new StopSignals(app);
        for (String name : new String[]{"INT", "TERM"}) {
            try {
                Signal.handle(new Signal(name), signals::handle);
            } catch (IllegalArgumentException notOurs) {
                // the signal is ignored or reserved in this JVM: nothing to take over
            }
        }
    }

    /** Runs on a thread of its own for each signal, so a second one is heard while the first waits in exit(). */
    private void handle(Signal signal) {
        // 128 + the signal's number: what a shell reports for a process stopped by it (130 for Ctrl-C, 143 for SIGTERM)
        if (exitCode.compareAndSet(0, 128 + signal.getNumber())) {
            app.announceStopping();
            System.exit(exitCode.get());
        } else {
            try {
                app.stopNow();
            } finally {
                Runtime.getRuntime().halt(exitCode.get());
            }
        }
    }
}

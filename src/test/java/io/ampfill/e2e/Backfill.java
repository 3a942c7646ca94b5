package io.ampfill.e2e;

import io.ampfill.cli.AmpfillApp;
import io.ampfill.emulator.AmplitudeEmulator;
import io.ampfill.report.RunReport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** Runs the real application (Camel Main, the routes of routes/, application.properties) in this JVM. */
final class Backfill {
    final Path inbox;
    final Path deadLetters;
    final Path done;
    final Map<String, String> settings = new HashMap<>();
    int exitCode;
    String out;
    String err;
    /** What ampfill logged during the run (its warnings name files and reasons). */
    String log;
    RunReport report;

    Backfill(Path workDir, AmplitudeEmulator emulator) throws IOException {
        inbox = Files.createDirectories(workDir.resolve("inbox"));
        deadLetters = workDir.resolve("dead-letter");
        done = workDir.resolve("done");
        settings.put("backfill.inbox", inbox.toString());
        settings.put("backfill.dead-letter-dir", deadLetters.toString());
        settings.put("backfill.done-dir", done.toString());
        settings.put("backfill.file-min-age", "0s");
        settings.put("backfill.poll-delay", "100ms");
        settings.put("backfill.state.url", "jdbc:h2:file:" + workDir.resolve("state/ampfill").toAbsolutePath());
        settings.put("backfill.spill-dir", workDir.resolve("spill").toString());
        if (emulator != null) {
            settings.put("amplitude.api-key", "test-key-0123456789");
            settings.put("amplitude.endpoint", emulator.batchUrl());
        }
    }

    Backfill set(String name, String value) {
        settings.put(name, value);
        return this;
    }

    /** Writes a file into the inbox, aged so the read lock takes it at once. */
    Path drop(String name, String content) throws IOException {
        return drop(name, content.getBytes(StandardCharsets.UTF_8));
    }

    Path drop(String name, byte[] content) throws IOException {
        Path file = inbox.resolve(name);
        Files.write(file, content);
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(60)));
        return file;
    }

    private volatile AmpfillApp app;

    private static final class TeeOutputStream extends java.io.OutputStream {
        private final java.io.OutputStream first;
        private final java.io.OutputStream second;

        TeeOutputStream(java.io.OutputStream first, java.io.OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public synchronized void write(int b) throws IOException {
            first.write(b);
            second.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            first.write(b, off, len);
            second.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            first.flush();
        }
    }

    /** Stops a watching run (backfill.run-once=false) as Ctrl-C would. */
    void stop() {
        while (app == null) {
            Thread.onSpinWait();
        }
        app.stop();
    }

    int run() {
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
        app = new AmpfillApp(new PrintStream(outBytes, true, StandardCharsets.UTF_8),
                new PrintStream(errBytes, true, StandardCharsets.UTF_8));
        // the logger writes to whatever System.err is at the time: kept, and still shown
        PrintStream console = System.err;
        System.setErr(new PrintStream(new TeeOutputStream(console, logBytes), true, StandardCharsets.UTF_8));
        try {
            exitCode = app.run(settings);
        } finally {
            System.setErr(console);
        }
        out = outBytes.toString(StandardCharsets.UTF_8);
        err = errBytes.toString(StandardCharsets.UTF_8);
        log = logBytes.toString(StandardCharsets.UTF_8);
        report = app.lastReport();
        return exitCode;
    }
}

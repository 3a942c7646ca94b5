package io.ampfill.e2e;

import io.ampfill.emulator.AmplitudeEmulator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The packaged application (target/ampfill.jar) run as a user runs it, in a child JVM. */
final class ChildRun {
    private ChildRun() {
    }

    /** Settings for a run that sends to this emulator, taking files as soon as they are there. */
    static Map<String, String> sendingTo(AmplitudeEmulator emulator) {
        Map<String, String> settings = new HashMap<>();
        settings.put("amplitude.api-key", "child-run-key-0123456789");
        settings.put("amplitude.endpoint", emulator.batchUrl());
        settings.put("backfill.file-min-age", "0s");
        settings.put("backfill.poll-delay", "100ms");
        return settings;
    }

    static Process start(Path workDir, Map<String, String> settings) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        settings.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-jar");
        command.add(Path.of("target/ampfill.jar").toAbsolutePath().toString());
        return new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(workDir.resolve("run-" + System.nanoTime() + ".log").toFile())
                .start();
    }

    /** What the runs in this folder printed, each log after its name: for a failure's message. */
    static String logs(Path workDir) throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.list(workDir)) {
            for (Path log : files.filter(p -> p.toString().endsWith(".log")).sorted().toList()) {
                all.append("== ").append(log.getFileName()).append('\n').append(Files.readString(log));
            }
        }
        return all.toString();
    }

    /**
     * Settings of a run against {@code emulator}, slow enough per device that a stop lands mid-delivery, with at most
     * {@code window} events in flight and a checkpoint every 200 ms.
     */
    static Map<String, String> settings(AmplitudeEmulator emulator, int deviceEps, int window) {
        Map<String, String> settings = sendingTo(emulator);
        settings.put("amplitude.device-eps", String.valueOf(deviceEps));
        settings.put("backfill.max-in-flight-events", String.valueOf(window));
        settings.put("backfill.checkpoint-interval", "200ms");
        return settings;
    }

    /** True once the emulator has ingested {@code target} events while the run still runs; false if it ended first. */
    static boolean runsUntilIngested(Process run, AmplitudeEmulator emulator, long target) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (emulator.ingestedCount() < target) {
            if (run.waitFor(5, TimeUnit.MILLISECONDS) || System.nanoTime() > deadline) {
                return false;
            }
        }
        return run.isAlive();
    }

    /** Waits until the condition holds, failing with the runs' logs of this folder after {@code seconds}. */
    static void awaitTrue(Path workDir, long seconds, Callable<Boolean> condition, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.call()) {
            assertThat(System.nanoTime()).as("waited %d s for %s%n%s", seconds, what, logs(workDir)).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /**
     * Waits for the run to end. If it does not end in time, a thread dump of it goes to its folder (where
     * {@code *.log} files are read back by the tests' failure messages) and it is killed.
     */
    static boolean finishes(Process run, Path workDir, long seconds) throws IOException, InterruptedException {
        if (run.waitFor(seconds, TimeUnit.SECONDS)) {
            return true;
        }
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process dump = new ProcessBuilder(jcmd.toString(), String.valueOf(run.pid()), "Thread.print")
                .redirectErrorStream(true)
                .redirectOutput(workDir.resolve("threads-of-" + run.pid() + ".log").toFile())
                .start();
        dump.waitFor(30, TimeUnit.SECONDS);
        run.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        return false;
    }
}

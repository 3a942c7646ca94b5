package io.ampfill.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** The packaged application (target/ampfill.jar) run as a user runs it, in a child JVM. */
final class ChildRun {
    private ChildRun() {
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

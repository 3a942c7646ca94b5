package io.ampfill.e2e;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
}

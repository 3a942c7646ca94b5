package io.ampfill.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The packaged jar, in a child JVM, given less heap than its settings need. */
class OutOfMemoryIT {
    @TempDir
    Path work;

    @Test
    void a_heap_that_runs_out_ends_the_run_with_one_line_naming_the_heap_and_exit_1() throws Exception {
        Path inbox = Files.createDirectories(work.resolve("inbox"));
        // 100 MB of events of 400 KB each, nothing deliverable: the in-flight window (24 MB, as much as the settings allow
        // for this heap), a 20 MB request body and a line being read do not fit in 64 MB beside Camel
        String blob = "x".repeat(400_000);
        try (BufferedWriter out = Files.newBufferedWriter(inbox.resolve("big.ndjson"), StandardCharsets.UTF_8)) {
            for (int i = 0; i < 250; i++) {
                out.write("{\"event_type\":\"Big\",\"device_id\":\"device-" + (10000 + i) + "\",\"time\":" + (1_700_000_000_000L + i)
                        + ",\"event_properties\":{\"blob\":\"" + blob + "\"}}\n");
            }
        }
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:+UseSerialGC", "-Damplitude.api-key=it-key-0123456789",
                "-Damplitude.endpoint=http://127.0.0.1:9/batch", "-Dbackfill.inbox=inbox", "-Dbackfill.file-min-age=0s",
                "-Dbackfill.max-in-flight-bytes=24000000", "-jar", Path.of("target/ampfill.jar").toAbsolutePath().toString());
        Process run = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true).start();
        run.getOutputStream().close();

        String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(run.waitFor(60, TimeUnit.SECONDS)).as(output).isTrue();

        assertThat(run.exitValue()).as(output).isEqualTo(1);
        assertThat(output.lines().reduce((first, last) -> last)).as(output)
                .hasValue("ampfill: out of memory (heap 64 MB): give the JVM more, e.g. bin/ampfill -Xmx1g");
        assertThat(output.lines().filter(line -> line.startsWith("ampfill: out of memory"))).hasSize(1);
        assertThat(inbox.resolve("big.ndjson")).exists();
    }
}

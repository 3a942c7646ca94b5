package io.ampfill.cli;

import io.ampfill.emulator.AmplitudeEmulator;
import io.ampfill.emulator.EmulatorSettings;
import org.apache.hc.core5.ssl.SSLContexts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The run bin/ampfill makes its class-data archive from ({@code java -XX:ArchiveClassesAtExit=... -cp ampfill.jar
 * io.ampfill.cli.TrainingRun DIR}): a real run, not a dry one, over a few generated records in DIR, sent to an
 * emulator in this JVM. So the archive also holds what a dry run never loads (the state store's database, above
 * all, which took 0.4 s to load at every start), and nothing leaves this machine.
 */
public final class TrainingRun {
    private TrainingRun() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: TrainingRun SCRATCH-DIR");
            System.exit(2);
        }
        Path dir = Path.of(args[0]).toAbsolutePath();
        Path inbox = Files.createDirectories(dir.resolve("inbox"));
        // the shapes a real run meets: a plain event, an export-shaped one, a record the tree mapper takes, a bad line, CSV
        Files.writeString(inbox.resolve("1-events.ndjson"), """
                {"event_type":"training","device_id":"training-device-1","time":1700000000000,"event_properties":{"step":1}}
                {"event_type":"training","user_id":"training-user-2","event_time":"2023-11-14 22:13:20.5","$insert_id":"training-2","amplitude_id":1}
                {"event_type":"training","device_id":"training-device-1","time":"1700000001000","price":"1.5"}
                not json
                """);
        Files.writeString(inbox.resolve("2-events.csv"), """
                event_type,device_id,time,event_properties.step
                training,training-device-3,1700000002000,3
                """);
        // the emulator is http, which builds no TLS context: built here, so that an https endpoint's start finds
        // the JSSE classes in the archive too
        SSLContexts.createDefault();
        int exitCode;
        try (AmplitudeEmulator emulator = AmplitudeEmulator.start(new EmulatorSettings().keepEvents(false))) {
            // through the command line, as a user starts a run, so its classes are in the archive too
            exitCode = new AmpfillCommand(System.out, System.err).execute("run",
                    "-Damplitude.api-key=training-run-key",
                    "-Damplitude.endpoint=" + emulator.batchUrl(),
                    "-Dbackfill.inbox=" + inbox,
                    "-Dbackfill.done-dir=" + dir.resolve("done"),
                    "-Dbackfill.dead-letter-dir=" + dir.resolve("dead-letter"),
                    "-Dbackfill.state.url=jdbc:h2:file:" + dir.resolve("state/ampfill"),
                    "-Dbackfill.file-min-age=0s");
        }
        System.exit(exitCode);
    }
}

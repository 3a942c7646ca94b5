package io.ampfill.cli;

import java.util.Map;

/** java -jar ampfill.jar: settings come from application.properties, environment variables and -D. */
public final class AmpfillMain {
    private AmpfillMain() {
    }

    public static void main(String[] args) {
        OutOfMemoryExit.install(System.err);
        AmpfillApp app = new AmpfillApp(System.out, System.err);
        StopSignals.install(app);
        System.exit(app.run(Map.of()));
    }
}

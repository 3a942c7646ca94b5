package io.ampfill.cli;

/**
 * java -jar ampfill.jar [COMMAND] [OPTIONS]: the command line ({@link AmpfillCommand}); settings come from
 * application.properties, environment variables and -D.
 */
public final class AmpfillMain {
    private AmpfillMain() {
    }

    public static void main(String[] args) {
        OutOfMemoryExit.install(System.err);
        AmpfillCommand command = new AmpfillCommand(System.out, System.err);
        command.beforeRun(() -> StopSignals.install(command.app));
        System.exit(command.execute(args));
    }
}

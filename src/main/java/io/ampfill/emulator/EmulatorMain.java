package io.ampfill.emulator;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the emulator on its own, so a benchmark can load it from another process:
 * {@code --port N} (default 8080; 0 picks a free port, printed on the first line), {@code --device-eps X},
 * {@code --keep-events true|false}, {@code --threads N}. {@code GET /stats[?device=ID]} tells that process what was ingested.
 */
public final class EmulatorMain {

    public static final int DEFAULT_PORT = 8080;

    private EmulatorMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        EmulatorSettings settings;
        try {
            settings = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println("usage: EmulatorMain [--port N] [--device-eps X] [--keep-events true|false] [--threads N]");
            System.exit(2);
            return;
        }
        serve(settings, System.out);
    }

    /** Starts the emulator, says where on {@code out}, and serves until the process is stopped. */
    public static void serve(EmulatorSettings settings, PrintStream out) throws InterruptedException {
        AmplitudeEmulator emulator = AmplitudeEmulator.start(settings);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            emulator.close();
            stopped.countDown();
        }, "amplitude-emulator-shutdown"));
        out.println("Amplitude emulator listening on " + emulator.batchUrl());
        out.flush();
        stopped.await();
    }

    static EmulatorSettings parse(String[] args) {
        EmulatorSettings settings = new EmulatorSettings().port(DEFAULT_PORT);
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value after " + flag);
            }
            String value = args[++i];
            try {
                switch (flag) {
                    case "--port": settings.port(Integer.parseInt(value)); break;
                    case "--device-eps": settings.deviceEps(Double.parseDouble(value)); break;
                    case "--keep-events": settings.keepEvents(parseBoolean(value)); break;
                    case "--threads": settings.threads(Integer.parseInt(value)); break;
                    default: throw new IllegalArgumentException("unknown option " + flag);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a number after " + flag + ": " + value);
            }
        }
        return settings;
    }

    private static boolean parseBoolean(String value) {
        if ("true".equalsIgnoreCase(value)) return true;
        if ("false".equalsIgnoreCase(value)) return false;
        throw new IllegalArgumentException("expected true or false, got " + value);
    }
}

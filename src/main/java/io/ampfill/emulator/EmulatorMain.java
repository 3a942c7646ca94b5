package io.ampfill.emulator;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the emulator on its own, so a benchmark can load it from another process:
 * {@code --port N} (default 8080; 0 picks a free port, printed on the first line), {@code --device-eps X},
 * {@code --keep-events true|false}, {@code --threads N}; far away: {@code --latency-ms N}, {@code --latency-jitter-ms N},
 * {@code --latency-ms-per-mb N}; strict about the key: {@code --api-key KEY}; overloaded: {@code --capacity KNEE,MAX}
 * and {@code --overload-status 503|429} (see
 * {@link EmulatorSettings#capacity}). {@code GET /stats[?device=ID][&reset=true]} tells that process what was ingested,
 * the requests held at once and the answers by status (and, with reset, forgets them).
 */
public final class EmulatorMain {

    public static final int DEFAULT_PORT = 8080;
    /** What {@link #parse} takes. */
    public static final String OPTIONS = "[--port N] [--device-eps X] [--keep-events true|false] [--threads N]"
            + " [--latency-ms N] [--latency-jitter-ms N] [--latency-ms-per-mb N] [--capacity KNEE,MAX] [--overload-status 503|429]"
            + " [--api-key KEY]";

    private EmulatorMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        EmulatorSettings settings;
        try {
            settings = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println("usage: EmulatorMain " + OPTIONS);
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

    /** The settings these options give; an option that will not do throws IllegalArgumentException saying why. */
    public static EmulatorSettings parse(String[] args) {
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
                    case "--latency-ms": settings.latency(Duration.ofMillis(Long.parseLong(value))); break;
                    case "--latency-jitter-ms": settings.latencyJitter(Duration.ofMillis(Long.parseLong(value))); break;
                    case "--latency-ms-per-mb": settings.latencyPerMegabyte(Duration.ofMillis(Long.parseLong(value))); break;
                    case "--capacity": capacity(settings, value); break;
                    case "--overload-status": settings.overloadStatus(Integer.parseInt(value)); break;
                    case "--api-key": settings.expectedApiKey(value); break;
                    default: throw new IllegalArgumentException("unknown option " + flag);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a number after " + flag + ": " + value);
            }
        }
        return settings;
    }

    private static void capacity(EmulatorSettings settings, String kneeAndMax) {
        String[] parts = kneeAndMax.split(",");
        if (parts.length != 2) {
            throw new IllegalArgumentException("--capacity wants KNEE,MAX (e.g. 16,32), got " + kneeAndMax);
        }
        settings.capacity(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
    }

    private static boolean parseBoolean(String value) {
        if ("true".equalsIgnoreCase(value)) return true;
        if ("false".equalsIgnoreCase(value)) return false;
        throw new IllegalArgumentException("expected true or false, got " + value);
    }
}

package io.ampfill.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * Writes the benchmark's NDJSON data sets, deterministically (seeded), streaming to disk so a 2 GB file needs no
 * memory: {@code --shape time|device|skew --out FILE [--devices N] [--events N] [--heavy-events N] [--bytes N] [--seed N]}.
 *
 * <ul>
 *   <li>{@code time}: every device has the same number of events (as near as divides), shuffled over the timeline;</li>
 *   <li>{@code device}: the same events as {@code time}, sorted by device (each device's events still in time order);</li>
 *   <li>{@code skew}: {@code --heavy-events} events of one extra device spread over the timeline of the light ones;</li>
 *   <li>{@code --bytes N} (with {@code time}): a device drawn at random per event until the file holds N bytes.</li>
 * </ul>
 * Lines are 250-350 bytes, shaped like an Amplitude export, without insert_id (ampfill derives one). A {@code .meta}
 * file beside the output names the heavy device and the counts, for the harness.
 */
public final class DataSetWriter {
    static final long BASE_TIME = 1_700_000_000_000L;

    private static final String[] EVENT_TYPES = {"Played Song", "Paused Song", "Skipped Song", "Added To Playlist",
            "Searched", "Viewed Screen", "Opened App", "Shared Song"};
    private static final String[] GENRES = {"jazz", "rock", "pop", "classical", "hip-hop", "electronic", "folk", "latin"};
    private static final String[] SOURCES = {"playlist", "search", "radio", "album", "recommendation", "library"};
    private static final String[] SCREENS = {"home", "library", "search", "now-playing", "settings", "profile"};
    private static final String[][] PLATFORMS = {{"iOS", "ios", "17.2"}, {"Android", "android", "14"},
            {"Web", "Chrome", "120.0"}, {"iOS", "ios", "16.6"}, {"Android", "android", "13"}};
    private static final String[] COUNTRIES = {"Germany", "France", "United States", "Brazil", "Japan", "India",
            "United Kingdom", "Spain"};
    private static final String[] APP_VERSIONS = {"5.12.3", "5.13.0", "5.11.9", "6.0.1"};

    private DataSetWriter() {
    }

    public static void main(String[] args) throws IOException {
        String shape = "time";
        Path out = null;
        int devices = 5000;
        int events = 200_000;
        int heavyEvents = 6000;
        long bytes = 0;
        long seed = 20261129;
        for (int i = 0; i + 1 < args.length; i += 2) {
            String value = args[i + 1];
            switch (args[i]) {
                case "--shape": shape = value; break;
                case "--out": out = Path.of(value); break;
                case "--devices": devices = Integer.parseInt(value); break;
                case "--events": events = Integer.parseInt(value); break;
                case "--heavy-events": heavyEvents = Integer.parseInt(value); break;
                case "--bytes": bytes = Long.parseLong(value); break;
                case "--seed": seed = Long.parseLong(value); break;
                default: throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (out == null || args.length % 2 != 0) {
            System.err.println("usage: DataSetWriter --shape time|device|skew --out FILE [--devices N] [--events N]"
                    + " [--heavy-events N] [--bytes N] [--seed N]");
            System.exit(2);
        }
        Path partial = out.resolveSibling(out.getFileName() + ".partial");
        long written;
        String meta;
        try (BufferedWriter writer = new BufferedWriter(
                new OutputStreamWriter(Files.newOutputStream(partial), StandardCharsets.UTF_8), 1 << 20)) {
            Random random = new Random(seed);
            if (bytes > 0) {
                written = writeRandomDevices(writer, random, devices, bytes);
                meta = "devices=" + devices + "\n";
            } else {
                int heavy = "skew".equals(shape) ? heavyEvents : 0;
                int[] order = deviceDeck(devices, events - heavy, heavy, random);
                if (!"device".equals(shape) && !"time".equals(shape) && !"skew".equals(shape)) {
                    throw new IllegalArgumentException("unknown shape " + shape);
                }
                written = writeEvents(writer, random, order, devices + 1, "device".equals(shape));
                meta = "devices=" + devices + "\nevents=" + events + "\n"
                        + (heavy > 0 ? "heavy_device=" + deviceId(devices) + "\nheavy_events=" + heavy
                        + "\nlight_events=" + (events - heavy) + "\n" : "");
            }
        }
        Files.move(partial, out, StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(out.resolveSibling(out.getFileName() + ".meta"), meta + "bytes=" + Files.size(out) + "\n");
        System.out.printf(Locale.ROOT, "wrote %s: %d events, %.1f MB%n", out, written, Files.size(out) / 1e6);
    }

    /** Device indexes in event order: lightEvents spread evenly over 0..devices-1, heavyEvents of device {@code devices}. */
    static int[] deviceDeck(int devices, int lightEvents, int heavyEvents, Random random) {
        int[] deck = new int[lightEvents + heavyEvents];
        for (int i = 0; i < lightEvents; i++) {
            deck[i] = i % devices;
        }
        Arrays.fill(deck, lightEvents, deck.length, devices);
        for (int i = deck.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = deck[i];
            deck[i] = deck[j];
            deck[j] = t;
        }
        return deck;
    }

    /**
     * Writes the events in time order, or grouped by device (each device's events still in time order). An event's
     * time and content depend only on its place in time, so both orders hold exactly the same lines.
     */
    private static long writeEvents(BufferedWriter writer, Random random, int[] order, int deviceCount, boolean byDevice)
            throws IOException {
        long[] times = new long[order.length];
        long[] seeds = new long[order.length];
        long time = BASE_TIME;
        for (int i = 0; i < order.length; i++) {
            time += 1 + random.nextInt(40);
            times[i] = time;
            seeds[i] = random.nextLong();
        }
        int[] sequence = new int[order.length];
        if (byDevice) {
            // a counting sort by device keeps time order within a device
            int[] start = new int[deviceCount + 1];
            for (int device : order) start[device + 1]++;
            for (int d = 0; d < deviceCount; d++) start[d + 1] += start[d];
            for (int i = 0; i < order.length; i++) sequence[start[order[i]]++] = i;
        } else {
            for (int i = 0; i < order.length; i++) sequence[i] = i;
        }
        StringBuilder line = new StringBuilder(400);
        for (int i : sequence) {
            line.setLength(0);
            appendEvent(line, order[i], times[i], new Random(seeds[i]));
            writer.append(line).append('\n');
        }
        return order.length;
    }

    private static long writeRandomDevices(BufferedWriter writer, Random random, int devices, long bytes) throws IOException {
        StringBuilder line = new StringBuilder(400);
        long time = BASE_TIME;
        long written = 0;
        long events = 0;
        while (written < bytes) {
            time += 1 + random.nextInt(4);
            line.setLength(0);
            appendEvent(line, random.nextInt(devices), time, random);
            line.append('\n');
            writer.append(line);
            written += line.length(); // ASCII only
            events++;
        }
        return events;
    }

    static String deviceId(int device) {
        int mix = (int) (((device + 1) * 2654435761L) >>> 8) & 0xffff;
        return String.format(Locale.ROOT, "device-%05d-%04x", device, mix);
    }

    private static void appendEvent(StringBuilder line, int device, long time, Random random) {
        String[] platform = PLATFORMS[device % PLATFORMS.length];
        String eventType = EVENT_TYPES[random.nextInt(EVENT_TYPES.length)];
        line.append("{\"event_type\":\"").append(eventType)
                .append("\",\"device_id\":\"").append(deviceId(device))
                .append("\",\"user_id\":\"user-").append(String.format(Locale.ROOT, "%06d", device * 7 + 13))
                .append("\",\"time\":").append(time)
                .append(",\"platform\":\"").append(platform[0])
                .append("\",\"os_name\":\"").append(platform[1])
                .append("\",\"os_version\":\"").append(platform[2])
                .append("\",\"app_version\":\"").append(APP_VERSIONS[device % APP_VERSIONS.length])
                .append("\",\"country\":\"").append(COUNTRIES[device % COUNTRIES.length])
                .append("\",\"event_properties\":{");
        if (eventType.equals("Searched")) {
            line.append("\"query\":\"").append(GENRES[random.nextInt(GENRES.length)]).append(' ')
                    .append(SOURCES[random.nextInt(SOURCES.length)])
                    .append("\",\"results\":").append(random.nextInt(200))
                    .append(",\"screen\":\"").append(SCREENS[random.nextInt(SCREENS.length)])
                    .append("\",\"voice\":").append(random.nextInt(10) == 0);
        } else if (eventType.equals("Viewed Screen") || eventType.equals("Opened App")) {
            line.append("\"screen\":\"").append(SCREENS[random.nextInt(SCREENS.length)])
                    .append("\",\"referrer\":\"").append(SOURCES[random.nextInt(SOURCES.length)])
                    .append("\",\"load_ms\":").append(50 + random.nextInt(2000));
        } else {
            line.append("\"song_id\":\"song-").append(String.format(Locale.ROOT, "%07d", random.nextInt(10_000_000)))
                    .append("\",\"genre\":\"").append(GENRES[random.nextInt(GENRES.length)])
                    .append("\",\"duration_ms\":").append(90_000 + random.nextInt(300_000))
                    .append(",\"source\":\"").append(SOURCES[random.nextInt(SOURCES.length)]).append('"');
        }
        line.append("}}");
    }
}

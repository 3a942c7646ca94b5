package io.ampfill.bench;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Watches a skewed run from outside: polls the emulator's GET /stats for the total and the heavy device's count, and
 * prints when the light devices were all in and when the heavy one was, in seconds since {@code --t0-millis} (the
 * harness passes the moment it started ampfill, so JVM start is included). Exits when both are in, or at the timeout.
 * {@code --url http://host:port --device ID --light-events N --heavy-events N --t0-millis T [--timeout-s 180]}
 */
public final class StatsProbe {
    private static final Pattern INGESTED = Pattern.compile("\"ingested\":(\\d+)");
    private static final Pattern DEVICE_INGESTED = Pattern.compile("\"device_ingested\":(\\d+)");
    private static final long POLL_MILLIS = 50;
    private static final long PROGRESS_EVERY_MILLIS = 2000;

    private StatsProbe() {
    }

    public static void main(String[] args) throws Exception {
        String url = null;
        String device = null;
        long light = 0;
        long heavy = 0;
        long t0 = System.currentTimeMillis();
        long timeoutSeconds = 180;
        for (int i = 0; i + 1 < args.length; i += 2) {
            String value = args[i + 1];
            switch (args[i]) {
                case "--url": url = value; break;
                case "--device": device = value; break;
                case "--light-events": light = Long.parseLong(value); break;
                case "--heavy-events": heavy = Long.parseLong(value); break;
                case "--t0-millis": t0 = Long.parseLong(value); break;
                case "--timeout-s": timeoutSeconds = Long.parseLong(value); break;
                default: throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (url == null || device == null) {
            System.err.println("usage: StatsProbe --url URL --device ID --light-events N --heavy-events N --t0-millis T");
            System.exit(2);
        }
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest stats = HttpRequest.newBuilder(URI.create(url + "/stats?device="
                + URLEncoder.encode(device, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(5)).GET().build();
        double lightDoneAt = -1;
        double heavyDoneAt = -1;
        long nextProgress = PROGRESS_EVERY_MILLIS;
        long deadline = t0 + timeoutSeconds * 1000;
        while (System.currentTimeMillis() < deadline) {
            String body = client.send(stats, HttpResponse.BodyHandlers.ofString()).body();
            long sinceT0 = System.currentTimeMillis() - t0;
            long total = number(INGESTED, body);
            long heavyIn = number(DEVICE_INGESTED, body);
            if (heavyIn < 0) {
                throw new IllegalStateException("the emulator keeps no per-device count (start it with --device-eps): " + body);
            }
            if (lightDoneAt < 0 && total - heavyIn >= light) {
                lightDoneAt = sinceT0 / 1000.0;
            }
            if (heavyDoneAt < 0 && heavyIn >= heavy) {
                heavyDoneAt = sinceT0 / 1000.0;
            }
            if (sinceT0 >= nextProgress) {
                System.out.printf(Locale.ROOT, "  t=%4.1fs  light %d/%d  heavy %d/%d%n",
                        sinceT0 / 1000.0, total - heavyIn, light, heavyIn, heavy);
                nextProgress += PROGRESS_EVERY_MILLIS;
            }
            if (lightDoneAt >= 0 && heavyDoneAt >= 0) {
                break;
            }
            Thread.sleep(POLL_MILLIS);
        }
        System.out.printf(Locale.ROOT, "light devices done at %s s, heavy device done at %s s%n",
                lightDoneAt < 0 ? "(not done)" : String.format(Locale.ROOT, "%.1f", lightDoneAt),
                heavyDoneAt < 0 ? "(not done)" : String.format(Locale.ROOT, "%.1f", heavyDoneAt));
    }

    private static long number(Pattern pattern, String body) {
        Matcher m = pattern.matcher(body);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }
}

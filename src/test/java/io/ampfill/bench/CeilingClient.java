package io.ampfill.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The ceiling ampfill is measured against: a trivial client that posts pre-built request bodies of a data set's lines
 * to the emulator with N threads over kept-alive connections, and prints events/s. It does no reading, mapping,
 * insert_id hashing or lane bookkeeping while the clock runs, so what it measures is the emulator plus HTTP.
 * {@code --url URL --data FILE [--threads 8] [--events-per-request 1000] [--passes 3]}
 */
public final class CeilingClient {

    private CeilingClient() {
    }

    public static void main(String[] args) throws Exception {
        String url = null;
        Path data = null;
        int threads = 8;
        int perRequest = 1000;
        int passes = 3;
        for (int i = 0; i + 1 < args.length; i += 2) {
            String value = args[i + 1];
            switch (args[i]) {
                case "--url": url = value; break;
                case "--data": data = Path.of(value); break;
                case "--threads": threads = Integer.parseInt(value); break;
                case "--events-per-request": perRequest = Integer.parseInt(value); break;
                case "--passes": passes = Integer.parseInt(value); break;
                default: throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (url == null || data == null) {
            System.err.println("usage: CeilingClient --url URL --data FILE [--threads N] [--events-per-request N] [--passes N]");
            System.exit(2);
        }
        List<byte[]> bodies = new ArrayList<>();
        long events = buildBodies(data, perRequest, bodies);
        long bodyBytes = bodies.stream().mapToLong(b -> b.length).sum();
        System.out.printf(Locale.ROOT, "ceiling: %d bodies of up to %d events (%.0f bytes per event), %d threads%n",
                bodies.size(), perRequest, (double) bodyBytes / events, threads);

        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        URI uri = URI.create(url);
        double best = 0;
        for (int pass = 1; pass <= passes; pass++) {
            AtomicInteger next = new AtomicInteger();
            long start = System.nanoTime();
            List<Future<Integer>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(() -> {
                    int sent = 0;
                    for (int i = next.getAndIncrement(); i < bodies.size(); i = next.getAndIncrement()) {
                        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(bodies.get(i))).build();
                        HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
                        if (response.statusCode() != 200) {
                            throw new IllegalStateException("answer " + response.statusCode() + ": "
                                    + new String(response.body(), StandardCharsets.UTF_8));
                        }
                        sent++;
                    }
                    return sent;
                }));
            }
            for (Future<Integer> worker : workers) {
                worker.get();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double eps = events / seconds;
            best = Math.max(best, eps);
            System.out.printf(Locale.ROOT, "ceiling pass %d: %d events in %d requests, %.2f s, %.0f events/s%n",
                    pass, events, bodies.size(), seconds, eps);
        }
        pool.shutdownNow();
        System.out.printf(Locale.ROOT, "ceiling events/s (best pass): %.0f%n", best);
    }

    /**
     * Bodies shaped like ampfill's: each line gets an insert_id as long as the one ampfill derives ("af-" + 64 hex),
     * so the emulator parses as many bytes per event as it does for ampfill.
     */
    private static long buildBodies(Path data, int perRequest, List<byte[]> bodies) throws IOException {
        long events = 0;
        StringBuilder body = new StringBuilder();
        int inBody = 0;
        try (BufferedReader reader = Files.newBufferedReader(data, StandardCharsets.UTF_8)) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                body.append(inBody == 0 ? "{\"api_key\":\"ceiling\",\"events\":[" : ",");
                int close = line.lastIndexOf('}');
                body.append(line, 0, close)
                        .append(String.format(Locale.ROOT, ",\"insert_id\":\"af-%064x\"}", events));
                events++;
                if (++inBody == perRequest) {
                    bodies.add(finish(body));
                    inBody = 0;
                }
            }
        }
        if (inBody > 0) {
            bodies.add(finish(body));
        }
        return events;
    }

    private static byte[] finish(StringBuilder body) {
        body.append("],\"options\":{\"min_id_length\":5}}");
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        body.setLength(0);
        return bytes;
    }
}

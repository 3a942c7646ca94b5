package io.ampfill.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An in-process HTTP server following Amplitude's /batch contract (docs/contract.md): validation, size limits,
 * rate buckets, daily quotas, insert_id deduplication and injectable faults. It records what it ingested per device,
 * in order, so a test can assert that everything was delivered once and in order.
 */
public final class AmplitudeEmulator implements AutoCloseable {

    private static final String BATCH_PATH = "/batch";
    private static final String STATS_PATH = "/stats";
    private static final int ACCEPT_BACKLOG = 512;
    /** eps_threshold reported by a scripted throttle when no device rate is configured: Amplitude's documented limit. */
    private static final double DOCUMENTED_EPS_THRESHOLD = 1000;

    /**
     * The JDK server flushes an answer's headers and body as two segments; with Nagle on, the body waits for the
     * client's delayed ACK, costing ~40 ms per request. The property is read once, when the JVM's first server is made.
     */
    private static final String JDK_SERVER_NODELAY = "sun.net.httpserver.nodelay";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final System.Logger LOG = System.getLogger(AmplitudeEmulator.class.getName());

    private final EmulatorSettings settings;
    private final HttpServer server;
    private final ExecutorService handlers;
    /** Sends the answers that wait (latency, capacity), so a waiting answer holds no server thread; null when none wait. */
    private final ScheduledExecutorService answerTimer;
    private final FarAway farAway;
    private final InFlightGauge inFlight = new InFlightGauge();

    private final ConcurrentLinkedQueue<Fault> script = new ConcurrentLinkedQueue<>();
    private final Random faultDice;
    private final boolean rollsFaultDice;

    /** Guards the ledger, the buckets and the quotas, so a request is admitted and ingested as one step. */
    private final ReentrantLock ingestLock = new ReentrantLock();
    private final IngestLedger ledger = new IngestLedger();
    /** Events accepted per device_id when events are not kept but device buckets or quotas are on (the ledger counts otherwise). */
    private final Map<String, Long> acceptedPerDevice = new HashMap<>();
    private final RateBuckets deviceBuckets;
    private final RateBuckets userBuckets;
    private final RollingQuota deviceQuota;
    private final RollingQuota userQuota;
    /** Without kept events, buckets or quotas there is no shared state to guard, so the benchmark path takes no lock. */
    private final boolean needsIngestLock;

    private final LongAdder ingested = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder requests = new LongAdder();
    private final LongAccumulator largestBody = new LongAccumulator(Math::max, 0);
    private final Map<Integer, LongAdder> answers = new ConcurrentHashMap<>();

    /** @param server null for an emulator answered in this process (see {@link #inProcess}) */
    private AmplitudeEmulator(EmulatorSettings settings, HttpServer server, ExecutorService handlers) {
        this.settings = settings;
        this.server = server;
        this.handlers = handlers;
        this.farAway = new FarAway(settings);
        this.answerTimer = server != null && settings.answersLater()
                ? Executors.newScheduledThreadPool(1, daemonThreads("amplitude-emulator-answers-")) : null;
        this.faultDice = new Random(settings.seed());
        this.rollsFaultDice = settings.anyRandomFault();
        this.deviceBuckets = settings.deviceEps() > 0 ? new RateBuckets(settings.deviceEps(), settings.burstSeconds(), settings.strictBuckets()) : null;
        this.userBuckets = settings.userEps() > 0 ? new RateBuckets(settings.userEps(), settings.burstSeconds(), settings.strictBuckets()) : null;
        long origin = settings.nanoClock().getAsLong();
        this.deviceQuota = settings.dailyQuota() > 0 ? new RollingQuota(settings.dailyQuota(), settings.quotaWindow(), origin) : null;
        this.userQuota = settings.dailyQuota() > 0 ? new RollingQuota(settings.dailyQuota(), settings.quotaWindow(), origin) : null;
        this.needsIngestLock = settings.keepEvents() || deviceBuckets != null || userBuckets != null || deviceQuota != null;
    }

    public static AmplitudeEmulator start(EmulatorSettings settings) {
        if (System.getProperty(JDK_SERVER_NODELAY) == null) {
            System.setProperty(JDK_SERVER_NODELAY, "true");
        }
        EmulatorSettings own = settings.copy();
        HttpServer server;
        try {
            InetSocketAddress address = new InetSocketAddress(own.host(), own.port());
            if (own.tls() != null) {
                HttpsServer https = HttpsServer.create(address, ACCEPT_BACKLOG);
                https.setHttpsConfigurator(new HttpsConfigurator(own.tls()));
                server = https;
            } else {
                server = HttpServer.create(address, ACCEPT_BACKLOG);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + own.host() + ":" + own.port(), e);
        }
        ExecutorService handlers = Executors.newFixedThreadPool(own.threads(), daemonThreads("amplitude-emulator-"));
        AmplitudeEmulator emulator = new AmplitudeEmulator(own, server, handlers);
        server.createContext("/", emulator::handle);
        server.setExecutor(handlers);
        server.start();
        return emulator;
    }

    /**
     * An emulator without a server: {@link #post} answers a request body in the caller's thread. For tests that drive
     * delivery step by step on a clock of their own ({@link EmulatorSettings#nanoClock}), without sockets or threads.
     */
    public static AmplitudeEmulator inProcess(EmulatorSettings settings) {
        return new AmplitudeEmulator(settings.copy(), null, null);
    }

    /** What a POST /batch of this body gets, as {@link #inProcess} answers it; a connection dropped without an answer throws. */
    public Answer post(byte[] body) throws IOException {
        requests.increment();
        largestBody.accumulate(body.length);
        EmulatorAnswer answer;
        try {
            answer = answerFor("application/json", body.length > settings.maxBodyBytes() ? null : body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        answers.computeIfAbsent(answer.status, status -> new LongAdder()).increment();
        if (answer == EmulatorAnswer.RESET) {
            throw new java.net.SocketException("Connection reset (the emulator dropped it)");
        }
        return new Answer(answer.status, answer.status == 429 && settings.retryAfterHeader() ? "1" : null,
                new String(answer.body, StandardCharsets.UTF_8));
    }

    /** An answer of {@link #post}: the status, the Retry-After header (or null) and the body. */
    public record Answer(int status, String retryAfter, String body) {
    }

    public String batchUrl() {
        return (settings.tls() != null ? "https://" : "http://") + hostForUrl() + ":" + port() + BATCH_PATH;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
            handlers.shutdownNow();
            if (answerTimer != null) {
                answerTimer.shutdownNow();
            }
        }
    }

    /** Faults answered, in order, to the next /batch requests, ahead of any random fault. */
    public void script(Fault... faults) {
        for (Fault fault : faults) {
            script.add(Objects.requireNonNull(fault, "fault"));
        }
    }

    /** Events accepted, duplicates not counted. */
    public long ingestedCount() {
        return ingested.sum();
    }

    /**
     * Events ingested for one device_id: from the ledger when events are kept, else counted while device buckets or
     * quotas are on. Empty otherwise, as the lock-free benchmark path keeps nothing per device.
     */
    public OptionalLong ingestedCount(String deviceId) {
        ingestLock.lock();
        try {
            if (settings.keepEvents()) {
                return OptionalLong.of(ledger.count(deviceId));
            }
            boolean countsDevices = deviceBuckets != null || deviceQuota != null;
            return countsDevices ? OptionalLong.of(acceptedPerDevice.getOrDefault(deviceId, 0L)) : OptionalLong.empty();
        } finally {
            ingestLock.unlock();
        }
    }

    /** Events dropped because their insert_id was already ingested for their device. */
    public long duplicateCount() {
        return duplicates.sum();
    }

    /**
     * Of the duplicates, those that came after a newer event of their device had been ingested (a resend that arrived
     * behind it; Amplitude drops it, so the order ingested holds). 0 when events are not kept.
     */
    public long duplicatesBehindNewerCount() {
        ingestLock.lock();
        try {
            return ledger.duplicatesBehindNewer();
        } finally {
            ingestLock.unlock();
        }
    }

    /** insert_ids per device key (device_id, else "user:" + user_id), in ingest order. Empty when events are not kept. */
    public Map<String, List<String>> ingestedInsertIdsByDevice() {
        ingestLock.lock();
        try {
            return ledger.insertIdsByDevice();
        } finally {
            ingestLock.unlock();
        }
    }

    /** Every event ingested, all devices together, in ingest order (not copies: do not change them). */
    public List<ObjectNode> ingestedEventsInOrder() {
        ingestLock.lock();
        try {
            return ledger.eventsInOrder();
        } finally {
            ingestLock.unlock();
        }
    }

    /** Copies of one device key's ingested events, in ingest order. Empty when events are not kept. */
    public List<ObjectNode> ingestedEvents(String deviceKey) {
        ingestLock.lock();
        try {
            return ledger.events(deviceKey);
        } finally {
            ingestLock.unlock();
        }
    }

    /** POST /batch requests received, whatever their answer. */
    public long requestCount() {
        return requests.sum();
    }

    /** The size of the largest /batch request body received, in bytes. */
    public long largestRequestBytes() {
        return largestBody.get();
    }

    /** Answers given to /batch requests by status; 0 counts connections dropped without an answer. */
    public Map<Integer, Long> answerCounts() {
        Map<Integer, Long> counts = new TreeMap<>();
        answers.forEach((status, count) -> counts.put(status, count.sum()));
        return counts;
    }

    /** Forgets everything ingested and counted, buckets and quotas included; scripted faults stay queued. */
    public void reset() {
        ingestLock.lock();
        try {
            ledger.clear();
            acceptedPerDevice.clear();
            if (deviceBuckets != null) deviceBuckets.clear();
            if (userBuckets != null) userBuckets.clear();
            if (deviceQuota != null) deviceQuota.clear();
            if (userQuota != null) userQuota.clear();
            ingested.reset();
            duplicates.reset();
            requests.reset();
            largestBody.reset();
            answers.clear();
            inFlight.reset();
        } finally {
            ingestLock.unlock();
        }
    }

    /** The most /batch requests held at once (arrived, not yet answered), since the start or the last reset. */
    public int maxRequestsInFlight() {
        return inFlight.max();
    }

    /** /batch requests held, summed over time (request-seconds): over a span, its growth divided by the span is the mean held. */
    public double requestSecondsInFlight() {
        return inFlight.requestSeconds(System.nanoTime());
    }

    private void handle(HttpExchange exchange) {
        boolean answeredLater = false;
        try {
            if ("GET".equals(exchange.getRequestMethod()) && STATS_PATH.equals(exchange.getRequestURI().getPath())) {
                String query = exchange.getRequestURI().getRawQuery();
                send(exchange, EmulatorAnswer.json(200, stats(query), JSON));
                if ("true".equals(queryParameter(query, "reset"))) {
                    reset();
                }
                return;
            }
            if (!"POST".equals(exchange.getRequestMethod()) || !BATCH_PATH.equals(exchange.getRequestURI().getPath())) {
                exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
                send(exchange, EmulatorAnswer.NOT_FOUND);
                return;
            }
            requests.increment();
            inFlight.arrived(System.nanoTime());
            // the whole body is read before any fault, so a reset is seen by a client that finished sending
            byte[] body = readBodyWithinLimit(exchange);
            if (answerTimer != null) {
                answerLater(exchange, body);
                answeredLater = true;
                return;
            }
            try {
                answer(exchange, answerFor(exchange.getRequestHeaders().getFirst("Content-Type"), body));
            } finally {
                inFlight.answered(System.nanoTime());
            }
        } catch (IOException e) {
            // the client went away (or timed out on a slow answer): nothing to answer
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // a bug here must not pass for one of the faults the client is being tested against: say so loudly
            LOG.log(System.Logger.Level.ERROR, "emulator failed to handle a request", e);
            answerBugIfStillPossible(exchange);
        } finally {
            if (!answeredLater) {
                exchange.close();
            }
        }
    }

    /**
     * Far away or overloaded: the request is taken in (or refused as over capacity) now, and its answer leaves from the
     * timer when its latency is up, so the server's threads are free for the next requests meanwhile.
     */
    private void answerLater(HttpExchange exchange, byte[] body) throws InterruptedException {
        FarAway.Admission admission = farAway.arrive(body == null ? settings.maxBodyBytes() : body.length);
        EmulatorAnswer answer = admission.admitted()
                ? answerFor(exchange.getRequestHeaders().getFirst("Content-Type"), body)
                : EmulatorAnswer.forStatus(settings.overloadStatus());
        answerTimer.schedule(() -> {
            farAway.answered(admission);
            try {
                answer(exchange, answer);
            } catch (IOException e) {
                // the client went away
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "emulator failed to answer a request", e);
            } finally {
                inFlight.answered(System.nanoTime());
                exchange.close();
            }
        }, admission.delayNanos(), TimeUnit.NANOSECONDS);
    }

    /** The answer to a /batch request: the next scripted fault's, or Amplitude's (with random faults, if any). */
    private EmulatorAnswer answerFor(String contentType, byte[] body) throws InterruptedException {
        Fault scripted = script.poll();
        return scripted != null ? answerScripted(scripted, contentType, body) : answerWithRandomFaults(contentType, body);
    }

    private EmulatorAnswer answerScripted(Fault fault, String contentType, byte[] body) throws InterruptedException {
        switch (fault.kind()) {
            case STATUS:
                return EmulatorAnswer.forStatus(fault.status());
            case RESET:
                return EmulatorAnswer.RESET;
            case SLOW:
                Thread.sleep(fault.delay().toMillis());
                return process(contentType, body);
            case INGEST_THEN_500:
                return failAfterIngest(process(contentType, body));
            case THROTTLE:
                return throttleEverything(body);
            case FOREIGN_200:
                return EmulatorAnswer.foreign(fault.status(), fault.contentType(), fault.body());
            default:
                throw new IllegalStateException("unknown fault " + fault);
        }
    }

    private EmulatorAnswer answerWithRandomFaults(String contentType, byte[] body) throws InterruptedException {
        if (!rollsFaultDice) {
            return process(contentType, body);
        }
        // every request rolls all dice in the same order, so the n-th request's faults depend only on the seed
        double reset, s503, s500, s502, s504, slow, s500AfterIngest;
        synchronized (faultDice) {
            reset = faultDice.nextDouble();
            s503 = faultDice.nextDouble();
            s500 = faultDice.nextDouble();
            s502 = faultDice.nextDouble();
            s504 = faultDice.nextDouble();
            slow = faultDice.nextDouble();
            s500AfterIngest = faultDice.nextDouble();
        }
        if (reset < settings.resetRate()) return EmulatorAnswer.RESET;
        if (s503 < settings.status503Rate()) return EmulatorAnswer.forStatus(503);
        if (s500 < settings.status500Rate()) return EmulatorAnswer.forStatus(500);
        if (s502 < settings.status502Rate()) return EmulatorAnswer.forStatus(502);
        if (s504 < settings.status504Rate()) return EmulatorAnswer.forStatus(504);
        if (slow < settings.slowRate()) {
            Thread.sleep(settings.slowDelay().toMillis());
        }
        EmulatorAnswer answer = process(contentType, body);
        return s500AfterIngest < settings.status500AfterIngestRate() ? failAfterIngest(answer) : answer;
    }

    private static EmulatorAnswer failAfterIngest(EmulatorAnswer answer) {
        return answer.status == 200 ? EmulatorAnswer.forStatus(500) : answer;
    }

    /** Amplitude's normal handling of a request. A null body means it was over the byte limit. */
    private EmulatorAnswer process(String contentType, byte[] body) {
        if (contentType == null || !contentType.regionMatches(true, 0, "application/json", 0, "application/json".length())) {
            return EmulatorAnswer.INVALID_BODY;
        }
        if (body == null) {
            return EmulatorAnswer.PAYLOAD_TOO_LARGE;
        }
        JsonNode request = parse(body);
        if (!(request instanceof ObjectNode) || !(request.get("events") instanceof ArrayNode)) {
            return EmulatorAnswer.INVALID_BODY;
        }
        ArrayNode events = (ArrayNode) request.get("events");
        if (events.size() > settings.maxEventsPerRequest()) {
            return EmulatorAnswer.PAYLOAD_TOO_LARGE;
        }
        JsonNode apiKey = request.get("api_key");
        if (apiKey == null || !apiKey.isTextual() || apiKey.textValue().isEmpty()) {
            return EmulatorAnswer.MISSING_API_KEY;
        }
        if (settings.expectedApiKey() != null && !settings.expectedApiKey().equals(apiKey.textValue())) {
            return EmulatorAnswer.invalidApiKey(apiKey.textValue(), JSON);
        }
        EventValidation.EventProblems problems = EventValidation.check(events, EventValidation.minIdLength(request), settings.silencedDevices());
        if (problems != null) {
            return EmulatorAnswer.json(400, problems.toBody(JSON.createObjectNode()), JSON);
        }
        return admitAndIngest(events, body.length);
    }

    private EmulatorAnswer admitAndIngest(ArrayNode events, int payloadBytes) {
        int eventCount = events.size();
        if (!needsIngestLock) {
            ingested.add(eventCount);
            return EmulatorAnswer.accepted(eventCount, payloadBytes, System.currentTimeMillis());
        }
        boolean countDevices = deviceBuckets != null || deviceQuota != null;
        boolean countUsers = userBuckets != null || userQuota != null;
        Map<String, Integer> perDevice = countDevices ? eventsPerId(events, "device_id") : Map.of();
        Map<String, Integer> perUser = countUsers ? eventsPerId(events, "user_id") : Map.of();

        Map<String, Double> throttledDevices = Map.of();
        Map<String, Double> throttledUsers = Map.of();
        Map<String, Long> overQuotaDevices = Map.of();
        Map<String, Long> overQuotaUsers = Map.of();
        ingestLock.lock();
        try {
            long now = settings.nanoClock().getAsLong();
            if (deviceBuckets != null) throttledDevices = deviceBuckets.throttled(perDevice, now);
            if (userBuckets != null) throttledUsers = userBuckets.throttled(perUser, now);
            if (deviceQuota != null) overQuotaDevices = deviceQuota.exceeded(perDevice, now);
            if (userQuota != null) overQuotaUsers = userQuota.exceeded(perUser, now);
            boolean refused = !throttledDevices.isEmpty() || !throttledUsers.isEmpty()
                    || !overQuotaDevices.isEmpty() || !overQuotaUsers.isEmpty();
            if (!refused) {
                if (deviceBuckets != null) deviceBuckets.consume(perDevice, now);
                if (userBuckets != null) userBuckets.consume(perUser, now);
                if (deviceQuota != null) deviceQuota.record(perDevice, now);
                if (userQuota != null) userQuota.record(perUser, now);
                int dropped = settings.keepEvents() ? ledger.ingest(events) : 0;
                if (!settings.keepEvents() && countDevices) {
                    perDevice.forEach((device, n) -> acceptedPerDevice.merge(device, (long) n, Long::sum));
                }
                ingested.add(eventCount - dropped);
                duplicates.add(dropped);
                return EmulatorAnswer.accepted(eventCount, payloadBytes, System.currentTimeMillis());
            }
        } finally {
            ingestLock.unlock();
        }
        return tooManyRequests(events, throttledDevices, throttledUsers, overQuotaDevices, overQuotaUsers);
    }

    /**
     * GET /stats: what was ingested so far, so a benchmark in another process can watch a run. With
     * {@code ?device=ID}, also that device's count (null when the emulator keeps no per-device count).
     */
    private ObjectNode stats(String rawQuery) {
        ObjectNode stats = JSON.createObjectNode();
        stats.put("ingested", ingestedCount());
        stats.put("duplicates", duplicateCount());
        stats.put("requests", requestCount());
        stats.put("in_flight_max", maxRequestsInFlight());
        stats.put("in_flight_request_seconds", requestSecondsInFlight());
        ObjectNode statuses = stats.putObject("answers");
        answerCounts().forEach((status, count) -> statuses.put(String.valueOf(status), count));
        String device = queryParameter(rawQuery, "device");
        if (device != null) {
            stats.put("device", device);
            OptionalLong count = ingestedCount(device);
            if (count.isPresent()) {
                stats.put("device_ingested", count.getAsLong());
            } else {
                stats.putNull("device_ingested");
            }
        }
        return stats;
    }

    private static String queryParameter(String rawQuery, String name) {
        if (rawQuery == null) {
            return null;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static Map<String, Integer> eventsPerId(ArrayNode events, String idField) {
        Map<String, Integer> counts = new HashMap<>();
        for (JsonNode event : events) {
            JsonNode id = event.get(idField);
            if (id != null && id.isTextual()) {
                counts.merge(id.textValue(), 1, Integer::sum);
            }
        }
        return counts;
    }

    private EmulatorAnswer tooManyRequests(ArrayNode events,
                                           Map<String, Double> throttledDevices, Map<String, Double> throttledUsers,
                                           Map<String, Long> overQuotaDevices, Map<String, Long> overQuotaUsers) {
        ObjectNode body = JSON.createObjectNode();
        body.put("code", 429);
        body.put("error", EmulatorAnswer.TOO_MANY_REQUESTS_ERROR);
        if (!throttledDevices.isEmpty() || !throttledUsers.isEmpty()) {
            body.put("eps_threshold", !throttledDevices.isEmpty() ? settings.deviceEps() : settings.userEps());
            ObjectNode devices = body.putObject("throttled_devices");
            throttledDevices.forEach(devices::put);
            ObjectNode users = body.putObject("throttled_users");
            throttledUsers.forEach(users::put);
        }
        if (!overQuotaDevices.isEmpty() || !overQuotaUsers.isEmpty()) {
            ObjectNode devices = body.putObject("exceeded_daily_quota_devices");
            overQuotaDevices.forEach(devices::put);
            ObjectNode users = body.putObject("exceeded_daily_quota_users");
            overQuotaUsers.forEach(users::put);
        }
        // every event held back, whether for rate or quota, so the client knows exactly which ones to resend
        ArrayNode refusedEvents = body.putArray("throttled_events");
        for (int i = 0; i < events.size(); i++) {
            String deviceId = events.get(i).path("device_id").textValue();
            String userId = events.get(i).path("user_id").textValue();
            if (deviceId != null && (throttledDevices.containsKey(deviceId) || overQuotaDevices.containsKey(deviceId))
                    || userId != null && (throttledUsers.containsKey(userId) || overQuotaUsers.containsKey(userId))) {
                refusedEvents.add(i);
            }
        }
        return EmulatorAnswer.json(429, body, JSON);
    }

    /** Fault.throttle(): a 429 naming every device (or user, for events without a device) of the request. */
    private EmulatorAnswer throttleEverything(byte[] body) {
        JsonNode request = body == null ? null : parse(body);
        JsonNode events = request == null ? null : request.get("events");
        if (!(events instanceof ArrayNode)) {
            return EmulatorAnswer.forStatus(429);
        }
        ObjectNode answer = JSON.createObjectNode();
        answer.put("code", 429);
        answer.put("error", EmulatorAnswer.TOO_MANY_REQUESTS_ERROR);
        answer.put("eps_threshold", settings.deviceEps() > 0 ? settings.deviceEps() : DOCUMENTED_EPS_THRESHOLD);
        ObjectNode devices = answer.putObject("throttled_devices");
        ObjectNode users = answer.putObject("throttled_users");
        ArrayNode indexes = answer.putArray("throttled_events");
        for (int i = 0; i < events.size(); i++) {
            String deviceId = events.get(i).path("device_id").textValue();
            String userId = events.get(i).path("user_id").textValue();
            ObjectNode named = deviceId != null ? devices : users;
            String id = deviceId != null ? deviceId : userId;
            if (id != null) {
                named.put(id, named.path(id).asDouble() + 1);
            }
            indexes.add(i);
        }
        return EmulatorAnswer.json(429, answer, JSON);
    }

    private static JsonNode parse(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    /** @return the body, or null when it is larger than maxBodyBytes (then read and thrown away) */
    private byte[] readBodyWithinLimit(HttpExchange exchange) throws IOException {
        InputStream in = exchange.getRequestBody();
        long limit = settings.maxBodyBytes();
        long declared = declaredLength(exchange);
        if (declared > limit) {
            largestBody.accumulate(declared);
            in.transferTo(OutputStream.nullOutputStream());
            return null;
        }
        if (declared >= 0) {
            byte[] body = new byte[(int) declared];
            int read = in.readNBytes(body, 0, body.length);
            largestBody.accumulate(read);
            return read == body.length ? body : Arrays.copyOf(body, read);
        }
        // chunked: read one byte past the limit to tell "exactly at the limit" from "over it"
        byte[] body = in.readNBytes((int) Math.min(limit + 1, Integer.MAX_VALUE - 8));
        if (body.length > limit) {
            largestBody.accumulate(body.length + in.transferTo(OutputStream.nullOutputStream()));
            return null;
        }
        largestBody.accumulate(body.length);
        return body;
    }

    private static long declaredLength(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Content-Length");
        if (header == null) {
            return -1;
        }
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void answer(HttpExchange exchange, EmulatorAnswer answer) throws IOException {
        // counted before the answer leaves, so a client that has its answer also sees it counted
        answers.computeIfAbsent(answer.status, status -> new LongAdder()).increment();
        if (answer == EmulatorAnswer.RESET) {
            // closing an exchange whose headers were never sent closes the connection: the client gets no answer
            exchange.close();
            return;
        }
        if (answer.status == 429 && settings.retryAfterHeader()) {
            exchange.getResponseHeaders().set("Retry-After", "1");
        }
        send(exchange, answer);
    }

    private void answerBugIfStillPossible(HttpExchange exchange) {
        if (exchange.getResponseCode() != -1) {
            return; // the answer had started: the connection just closes
        }
        try {
            answer(exchange, EmulatorAnswer.fixed(500, "{\"code\":500,\"error\":\"Emulator failure, see its log\"}"));
        } catch (IOException ignored) {
            // the client went away
        }
    }

    private static void send(HttpExchange exchange, EmulatorAnswer answer) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", answer.contentType);
        exchange.sendResponseHeaders(answer.status, answer.body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer.body);
        }
    }

    private String hostForUrl() {
        String host = settings.host();
        return host.contains(":") ? "[" + host + "]" : host;
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger next = new AtomicInteger(1);
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + next.getAndIncrement());
            thread.setDaemon(true);
            return thread;
        };
    }
}

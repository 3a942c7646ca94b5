package io.ampfill.emulator;

import java.time.Duration;
import java.util.Objects;

/**
 * How the emulator behaves: Amplitude's limits, the faults it injects, and where it listens.
 * Defaults follow docs/contract.md, with rate buckets and quotas off so a plain emulator accepts everything valid.
 * The emulator copies these at start, so changing them afterwards does not affect a running emulator.
 */
public final class EmulatorSettings {

    private String expectedApiKey = null;
    private int maxEventsPerRequest = 2000;
    private long maxBodyBytes = 20L * 1024 * 1024;
    private double deviceEps = 0;
    private double userEps = 0;
    private double burstSeconds = 1.0;
    private boolean strictBuckets = false;
    private long dailyQuota = 0;
    private Duration quotaWindow = Duration.ofHours(24);
    private boolean keepEvents = true;
    private double resetRate = 0;
    private double status503Rate = 0;
    private double status500Rate = 0;
    private double status502Rate = 0;
    private double status504Rate = 0;
    private double status500AfterIngestRate = 0;
    private double slowRate = 0;
    private Duration slowDelay = Duration.ofSeconds(5);
    private long seed = 42;
    private int threads = 16;
    private int port = 0;
    private String host = "127.0.0.1";
    private boolean retryAfterHeader = false;
    private java.util.Set<String> silencedDevices = java.util.Set.of();
    private javax.net.ssl.SSLContext tls = null;
    private java.util.function.LongSupplier nanoClock = System::nanoTime;
    private Duration latency = Duration.ZERO;
    private Duration latencyJitter = Duration.ZERO;
    private Duration latencyPerMegabyte = Duration.ZERO;
    private int capacityKnee = 0;
    private int capacity = 0;
    private int overloadStatus = 503;

    public EmulatorSettings copy() {
        EmulatorSettings c = new EmulatorSettings();
        c.expectedApiKey = expectedApiKey;
        c.maxEventsPerRequest = maxEventsPerRequest;
        c.maxBodyBytes = maxBodyBytes;
        c.deviceEps = deviceEps;
        c.userEps = userEps;
        c.burstSeconds = burstSeconds;
        c.strictBuckets = strictBuckets;
        c.dailyQuota = dailyQuota;
        c.quotaWindow = quotaWindow;
        c.keepEvents = keepEvents;
        c.resetRate = resetRate;
        c.status503Rate = status503Rate;
        c.status500Rate = status500Rate;
        c.status502Rate = status502Rate;
        c.status504Rate = status504Rate;
        c.status500AfterIngestRate = status500AfterIngestRate;
        c.slowRate = slowRate;
        c.slowDelay = slowDelay;
        c.seed = seed;
        c.threads = threads;
        c.port = port;
        c.host = host;
        c.retryAfterHeader = retryAfterHeader;
        c.tls = tls;
        c.silencedDevices = silencedDevices;
        c.nanoClock = nanoClock;
        c.latency = latency;
        c.latencyJitter = latencyJitter;
        c.latencyPerMegabyte = latencyPerMegabyte;
        c.capacityKnee = capacityKnee;
        c.capacity = capacity;
        c.overloadStatus = overloadStatus;
        return c;
    }

    /** null: any non-empty key is accepted; otherwise any other key gets the fatal "Invalid API key" 400. */
    public EmulatorSettings expectedApiKey(String key) { this.expectedApiKey = key; return this; }
    public String expectedApiKey() { return expectedApiKey; }

    public EmulatorSettings maxEventsPerRequest(int max) { this.maxEventsPerRequest = positive(max, "maxEventsPerRequest"); return this; }
    public int maxEventsPerRequest() { return maxEventsPerRequest; }

    public EmulatorSettings maxBodyBytes(long max) { this.maxBodyBytes = positive(max, "maxBodyBytes"); return this; }
    public long maxBodyBytes() { return maxBodyBytes; }

    /** Events per second allowed per device_id; 0 turns the device buckets off. */
    public EmulatorSettings deviceEps(double eps) { this.deviceEps = notNegative(eps, "deviceEps"); return this; }
    public double deviceEps() { return deviceEps; }

    /** Events per second allowed per user_id; 0 turns the user buckets off. */
    public EmulatorSettings userEps(double eps) { this.userEps = notNegative(eps, "userEps"); return this; }
    public double userEps() { return userEps; }

    /** A bucket holds eps * burstSeconds tokens. */
    public EmulatorSettings burstSeconds(double seconds) {
        if (!(seconds > 0)) throw new IllegalArgumentException("burstSeconds must be > 0, was " + seconds);
        this.burstSeconds = seconds;
        return this;
    }
    public double burstSeconds() { return burstSeconds; }

    /**
     * false, the default: a full bucket admits a request holding more events for one id than it holds, going into debt.
     * true: such a request is refused every time, as by a server that never takes more than a burst's worth at once.
     */
    public EmulatorSettings strictBuckets(boolean strict) { this.strictBuckets = strict; return this; }
    public boolean strictBuckets() { return strictBuckets; }

    /** Events per device_id and per user_id within quotaWindow; 0 turns the quota off. */
    public EmulatorSettings dailyQuota(long events) { this.dailyQuota = notNegative(events, "dailyQuota"); return this; }
    public long dailyQuota() { return dailyQuota; }

    public EmulatorSettings quotaWindow(Duration window) {
        Objects.requireNonNull(window, "quotaWindow");
        if (window.isNegative() || window.isZero()) throw new IllegalArgumentException("quotaWindow must be > 0, was " + window);
        this.quotaWindow = window;
        return this;
    }
    public Duration quotaWindow() { return quotaWindow; }

    /** false: only count, keeping nothing per event, so huge dry runs and benchmarks stay in constant memory. */
    public EmulatorSettings keepEvents(boolean keep) { this.keepEvents = keep; return this; }
    public boolean keepEvents() { return keepEvents; }

    public EmulatorSettings resetRate(double p) { this.resetRate = probability(p, "resetRate"); return this; }
    public double resetRate() { return resetRate; }

    public EmulatorSettings status503Rate(double p) { this.status503Rate = probability(p, "status503Rate"); return this; }
    public double status503Rate() { return status503Rate; }

    /** Probability of answering 500 without ingesting. */
    public EmulatorSettings status500Rate(double p) { this.status500Rate = probability(p, "status500Rate"); return this; }
    public double status500Rate() { return status500Rate; }

    public EmulatorSettings status502Rate(double p) { this.status502Rate = probability(p, "status502Rate"); return this; }
    public double status502Rate() { return status502Rate; }

    public EmulatorSettings status504Rate(double p) { this.status504Rate = probability(p, "status504Rate"); return this; }
    public double status504Rate() { return status504Rate; }

    /** Probability of ingesting a request that would be accepted, then answering 500 anyway. */
    public EmulatorSettings status500AfterIngestRate(double p) { this.status500AfterIngestRate = probability(p, "status500AfterIngestRate"); return this; }
    public double status500AfterIngestRate() { return status500AfterIngestRate; }

    public EmulatorSettings slowRate(double p) { this.slowRate = probability(p, "slowRate"); return this; }
    public double slowRate() { return slowRate; }

    public EmulatorSettings slowDelay(Duration delay) {
        Objects.requireNonNull(delay, "slowDelay");
        if (delay.isNegative()) throw new IllegalArgumentException("slowDelay must be >= 0, was " + delay);
        this.slowDelay = delay;
        return this;
    }
    public Duration slowDelay() { return slowDelay; }

    public EmulatorSettings seed(long seed) { this.seed = seed; return this; }
    public long seed() { return seed; }

    public EmulatorSettings threads(int threads) { this.threads = positive(threads, "threads"); return this; }
    public int threads() { return threads; }

    /** 0 picks a free ephemeral port. */
    public EmulatorSettings port(int port) {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be 0..65535, was " + port);
        this.port = port;
        return this;
    }
    public int port() { return port; }

    public EmulatorSettings host(String host) { this.host = Objects.requireNonNull(host, "host"); return this; }
    public String host() { return host; }

    /** Serve https with this context's key and certificate (as Amplitude does); null, the default, serves http. */
    public EmulatorSettings tls(javax.net.ssl.SSLContext tls) { this.tls = tls; return this; }
    public javax.net.ssl.SSLContext tls() { return tls; }

    /** true: 429 answers carry "Retry-After: 1", which the real service does not always send. */
    /** Devices Amplitude has silenced: their events get a 400 listing them under silenced_events. */
    public EmulatorSettings silencedDevices(String... deviceIds) { this.silencedDevices = java.util.Set.of(deviceIds); return this; }

    public java.util.Set<String> silencedDevices() { return silencedDevices; }

    /**
     * The clock its rate buckets and quotas count time on (nanoseconds, monotonic). A test's own clock lets a test of
     * pacing and pauses move time on instead of waiting for it.
     */
    public EmulatorSettings nanoClock(java.util.function.LongSupplier clock) { this.nanoClock = Objects.requireNonNull(clock, "clock"); return this; }
    public java.util.function.LongSupplier nanoClock() { return nanoClock; }

    public EmulatorSettings retryAfterHeader(boolean send) { this.retryAfterHeader = send; return this; }
    public boolean retryAfterHeader() { return retryAfterHeader; }

    /**
     * How far away it is: every /batch answer leaves this long after the request arrived (plus the jitter and the
     * per-megabyte part), as Amplitude's does across the internet. Answered from a timer, so a waiting answer holds no
     * server thread: any number of requests can wait at once. The in-process emulator ({@link AmplitudeEmulator#inProcess})
     * answers at once.
     */
    public EmulatorSettings latency(Duration fixed) { this.latency = notNegative(fixed, "latency"); return this; }
    public Duration latency() { return latency; }

    /** A random part added to each answer's latency, uniform in [0, jitter), drawn from the seed. */
    public EmulatorSettings latencyJitter(Duration jitter) { this.latencyJitter = notNegative(jitter, "latencyJitter"); return this; }
    public Duration latencyJitter() { return latencyJitter; }

    /** Latency added per megabyte of request body: a large request takes longer to carry and to ingest. */
    public EmulatorSettings latencyPerMegabyte(Duration perMegabyte) { this.latencyPerMegabyte = notNegative(perMegabyte, "latencyPerMegabyte"); return this; }
    public Duration latencyPerMegabyte() { return latencyPerMegabyte; }

    /**
     * An overloaded server: up to {@code knee} requests at once are answered after the latency; with n > knee at once,
     * a request's latency is latency * n / knee (they share the server, which takes no more per second); beyond
     * {@code capacity} at once it answers {@link #overloadStatus()} without ingesting, after the plain latency. 0 and 0:
     * off (no limit). The best fixed concurrency for it is about the knee; the latency must not be 0 for it to show.
     */
    public EmulatorSettings capacity(int knee, int capacity) {
        if (knee < 0 || capacity < 0 || (capacity > 0 && knee > capacity) || (knee == 0) != (capacity == 0)) {
            throw new IllegalArgumentException("capacity needs 0 < knee <= capacity (or both 0: off), was " + knee + " and " + capacity);
        }
        this.capacityKnee = knee;
        this.capacity = capacity;
        return this;
    }
    public int capacityKnee() { return capacityKnee; }
    public int capacity() { return capacity; }

    /** What an overloaded server answers beyond its capacity: 503 (the default) or 429. */
    public EmulatorSettings overloadStatus(int status) {
        if (status != 503 && status != 429) throw new IllegalArgumentException("overloadStatus must be 503 or 429, was " + status);
        this.overloadStatus = status;
        return this;
    }
    public int overloadStatus() { return overloadStatus; }

    /** Whether answers wait: a latency, or a capacity. */
    boolean answersLater() {
        return !latency.isZero() || !latencyJitter.isZero() || !latencyPerMegabyte.isZero() || capacity > 0;
    }

    boolean anyRandomFault() {
        return resetRate > 0 || status503Rate > 0 || status500Rate > 0 || status502Rate > 0 || status504Rate > 0
                || slowRate > 0 || status500AfterIngestRate > 0;
    }

    private static int positive(int value, String name) {
        if (value <= 0) throw new IllegalArgumentException(name + " must be > 0, was " + value);
        return value;
    }

    private static long positive(long value, String name) {
        if (value <= 0) throw new IllegalArgumentException(name + " must be > 0, was " + value);
        return value;
    }

    private static long notNegative(long value, String name) {
        if (value < 0) throw new IllegalArgumentException(name + " must be >= 0, was " + value);
        return value;
    }

    private static double notNegative(double value, String name) {
        if (!(value >= 0) || Double.isInfinite(value)) throw new IllegalArgumentException(name + " must be >= 0, was " + value);
        return value;
    }

    private static Duration notNegative(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) throw new IllegalArgumentException(name + " must be >= 0, was " + value);
        return value;
    }

    private static double probability(double p, String name) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException(name + " must be within 0..1, was " + p);
        return p;
    }
}

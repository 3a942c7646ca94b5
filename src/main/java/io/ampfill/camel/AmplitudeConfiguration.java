package io.ampfill.camel;

import io.ampfill.delivery.DeliveryListener;
import io.ampfill.delivery.DeliverySettings;
import io.ampfill.event.MappingSettings;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;

/**
 * Every option of the {@code amplitude} component, declared once: set on the component
 * ({@code camel.component.amplitude.*}), it is copied into each endpoint, whose URI may set it again. The names are
 * ampfill's {@code amplitude.*} settings in camelCase (and the in-flight window's and the spill folder's).
 */
@UriParams
public class AmplitudeConfiguration implements Cloneable {
    @UriParam(label = "security", secret = true)
    @Metadata(required = true, description = "The Amplitude project's API key. Never logged, nor put in an exception's message.")
    private String apiKey;
    @UriParam(defaultValue = "https://api2.amplitude.com/batch",
            description = "The Batch Event Upload endpoint. EU projects: https://api.eu.amplitude.com/batch")
    private String endpoint = "https://api2.amplitude.com/batch";
    @UriParam(defaultValue = "ACKNOWLEDGEMENT", description = "When an exchange completes: once Amplitude has acknowledged"
            + " or refused every event in it (ACKNOWLEDGEMENT: a refused event fails the exchange), or once its events are"
            + " in the device lanes (ACCEPTANCE: for bodies of events already mapped with their source unit, which is told"
            + " when they settle, and refused events go to the deliveryListener)")
    private AmplitudeCompletion completion = AmplitudeCompletion.ACKNOWLEDGEMENT;
    @UriParam(defaultValue = "300", description = "Events per second per device (device_id, else user_id): Amplitude's"
            + " backfill guide asks for at most 300. 0 = no pacing (until a 429 for a device's rate: from then on devices"
            + " are paced at the rate it gives)")
    private double deviceEps = 300;
    @UriParam(defaultValue = "5", description = "Shortest accepted user_id / device_id; sent as options.min_id_length and"
            + " used in validation")
    private int minIdLength = 5;
    @UriParam(defaultValue = "false", description = "Adds \"$skip_user_properties_sync\": true to every event (historical"
            + " user properties do not overwrite current ones)")
    private boolean skipUserPropertiesSync;
    @UriParam(defaultValue = "1d", javaType = "java.time.Duration", description = "An event whose time is later than now"
            + " plus this is refused (a time in micro- or nanoseconds, or a wrong year)")
    private long maxTimeAhead = Duration.ofDays(1).toMillis();
    @UriParam(defaultValue = "adaptive", description = "Requests in flight at once, over all devices (each device has at"
            + " most one): adaptive (it grows while answers come back fast and clean, and shrinks when they slow down or say"
            + " the server is overloaded), or a number that fixes it")
    private String maxConcurrentRequests = "adaptive";
    @UriParam(defaultValue = "128", description = "The most requests in flight an adaptive maxConcurrentRequests allows")
    private int maxConcurrentRequestsCeiling = 128;
    @UriParam(defaultValue = "2000", description = "Events per request (Amplitude's limit is 2000)")
    private int maxEventsPerRequest = 2000;
    @UriParam(defaultValue = "20000000", description = "Bytes per request body (Amplitude's limit is 20 MB)")
    private long maxRequestBytes = 20_000_000;
    @UriParam(defaultValue = "15m", javaType = "java.time.Duration", description = "How long a device or user over its"
            + " daily quota is paused before it is tried again")
    private long quotaPause = Duration.ofMinutes(15).toMillis();
    @UriParam(defaultValue = "500ms", javaType = "java.time.Duration", description = "First wait before resending after a"
            + " 5xx, a timeout or a reset; it doubles each time (full jitter)")
    private long retryBase = 500;
    @UriParam(defaultValue = "60s", javaType = "java.time.Duration", description = "Longest wait between two resends")
    private long retryMaxBackoff = Duration.ofSeconds(60).toMillis();
    @UriParam(javaType = "java.time.Duration", description = "Not set: resend until it succeeds. A duration: a batch still"
            + " failing after that long is refused (its exchange fails, or it goes to the deliveryListener)")
    private long giveUpAfter;
    @UriParam(defaultValue = "30s", javaType = "java.time.Duration", description = "Connecting to Amplitude")
    private long connectTimeout = Duration.ofSeconds(30).toMillis();
    @UriParam(defaultValue = "180s", javaType = "java.time.Duration", description = "Waiting for Amplitude's answer (the"
            + " backfill guide asks for high timeouts)")
    private long responseTimeout = Duration.ofSeconds(180).toMillis();
    @UriParam(defaultValue = "100000", description = "Events handed in but not yet acknowledged or refused, at most; an"
            + " exchange waits beyond it (bounds memory). With an adaptive maxConcurrentRequests, this many per 8 requests"
            + " the limit allows, within maxInFlightBytes")
    private long maxInFlightEvents = 100_000;
    @UriParam(defaultValue = "auto", description = "Bytes of those events (as sent), at most: keeps memory flat when"
            + " events are large. auto: two fifths of the heap, at most 256 MB (a far Amplitude needs many events in"
            + " flight); or a number of bytes")
    private String maxInFlightBytes = DeliverySettings.AUTO;
    @UriParam(description = "A folder where a device with more events waiting than two requests' worth (or a quarter of"
            + " the window) keeps the rest, so that a paced or paused device does not hold up the others. Not set: they"
            + " wait in memory")
    private String spillDir;
    @UriParam(label = "advanced", description = "Told what delivery does: the events refused after their exchange"
            + " completed (ACCEPTANCE), requests, deliveries, retries, lines about outages and pauses, a fatal stop."
            + " Not set: logged")
    private DeliveryListener deliveryListener;
    @UriParam(label = "advanced", description = "Configures the HTTP client that posts the requests, after the"
            + " component's own settings (timeouts, no automatic retries, no cookies)")
    private HttpClientConfigurer httpClientConfigurer;
    @UriParam(label = "producer,advanced", description = "Where an exchange goes on once Amplitude has answered for its"
            + " events (the route's steps after amplitude:batch, the consumer's completion), so that slow steps do not"
            + " hold the threads that send. Not set: on the thread that took the answer, which keeps requests fuller when"
            + " producers wait for each exchange")
    private ExecutorService workerPool;

    public AmplitudeConfiguration copy() {
        try {
            return (AmplitudeConfiguration) clone();
        } catch (CloneNotSupportedException e) {
            throw new RuntimeCamelException(e);
        }
    }

    /**
     * Delivery's settings, checked as delivery checks them.
     *
     * @throws IllegalArgumentException an option out of its range, or no API key
     */
    DeliverySettings deliverySettings() {
        return new DeliverySettings(apiKey, minIdLength, deviceEps, maxEventsPerRequest, maxRequestBytes, concurrentRequests(),
                maxConcurrentRequestsCeiling, maxInFlightEvents, DeliverySettings.inFlightBytes(maxInFlightBytes, Runtime.getRuntime().maxMemory()),
                Duration.ofMillis(retryBase), Duration.ofMillis(retryMaxBackoff),
                giveUpAfter > 0 ? Duration.ofMillis(giveUpAfter) : null, Duration.ofMillis(quotaPause),
                spillDir == null || spillDir.isBlank() ? null : Path.of(spillDir).toAbsolutePath());
    }

    /** Amplitude's rules as the events of an exchange are mapped and validated with. */
    MappingSettings mappingSettings() {
        return new MappingSettings().minIdLength(minIdLength).skipUserPropertiesSync(skipUserPropertiesSync)
                .maxTimeAhead(Duration.ofMillis(maxTimeAhead)).clock(java.time.Clock.systemUTC());
    }

    public String getApiKey() {
        return apiKey;
    }

    public void setApiKey(String apiKey) {
        this.apiKey = apiKey;
    }

    public String getEndpoint() {
        return endpoint;
    }

    public void setEndpoint(String endpoint) {
        this.endpoint = endpoint;
    }

    public AmplitudeCompletion getCompletion() {
        return completion;
    }

    public void setCompletion(AmplitudeCompletion completion) {
        this.completion = completion;
    }

    public double getDeviceEps() {
        return deviceEps;
    }

    public void setDeviceEps(double deviceEps) {
        this.deviceEps = deviceEps;
    }

    public int getMinIdLength() {
        return minIdLength;
    }

    public void setMinIdLength(int minIdLength) {
        this.minIdLength = minIdLength;
    }

    public boolean isSkipUserPropertiesSync() {
        return skipUserPropertiesSync;
    }

    public void setSkipUserPropertiesSync(boolean skipUserPropertiesSync) {
        this.skipUserPropertiesSync = skipUserPropertiesSync;
    }

    public long getMaxTimeAhead() {
        return maxTimeAhead;
    }

    public void setMaxTimeAhead(long maxTimeAhead) {
        this.maxTimeAhead = maxTimeAhead;
    }

    public String getMaxConcurrentRequests() {
        return maxConcurrentRequests;
    }

    public void setMaxConcurrentRequests(String maxConcurrentRequests) {
        this.maxConcurrentRequests = maxConcurrentRequests;
    }

    public int getMaxConcurrentRequestsCeiling() {
        return maxConcurrentRequestsCeiling;
    }

    public void setMaxConcurrentRequestsCeiling(int maxConcurrentRequestsCeiling) {
        this.maxConcurrentRequestsCeiling = maxConcurrentRequestsCeiling;
    }

    /** maxConcurrentRequests as delivery takes it: {@link DeliverySettings#ADAPTIVE}, or the fixed number. */
    private int concurrentRequests() {
        String value = maxConcurrentRequests == null ? "" : maxConcurrentRequests.trim();
        if ("adaptive".equalsIgnoreCase(value)) {
            return DeliverySettings.ADAPTIVE;
        }
        try {
            int requests = Integer.parseInt(value);
            if (requests >= 1) {
                return requests;
            }
        } catch (NumberFormatException notANumber) {
            // said below
        }
        throw new IllegalArgumentException("maxConcurrentRequests must be adaptive or a whole number of at least 1, got "
                + maxConcurrentRequests);
    }

    public int getMaxEventsPerRequest() {
        return maxEventsPerRequest;
    }

    public void setMaxEventsPerRequest(int maxEventsPerRequest) {
        this.maxEventsPerRequest = maxEventsPerRequest;
    }

    public long getMaxRequestBytes() {
        return maxRequestBytes;
    }

    public void setMaxRequestBytes(long maxRequestBytes) {
        this.maxRequestBytes = maxRequestBytes;
    }

    public long getQuotaPause() {
        return quotaPause;
    }

    public void setQuotaPause(long quotaPause) {
        this.quotaPause = quotaPause;
    }

    public long getRetryBase() {
        return retryBase;
    }

    public void setRetryBase(long retryBase) {
        this.retryBase = retryBase;
    }

    public long getRetryMaxBackoff() {
        return retryMaxBackoff;
    }

    public void setRetryMaxBackoff(long retryMaxBackoff) {
        this.retryMaxBackoff = retryMaxBackoff;
    }

    public long getGiveUpAfter() {
        return giveUpAfter;
    }

    public void setGiveUpAfter(long giveUpAfter) {
        this.giveUpAfter = giveUpAfter;
    }

    public long getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(long connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public long getResponseTimeout() {
        return responseTimeout;
    }

    public void setResponseTimeout(long responseTimeout) {
        this.responseTimeout = responseTimeout;
    }

    public long getMaxInFlightEvents() {
        return maxInFlightEvents;
    }

    public void setMaxInFlightEvents(long maxInFlightEvents) {
        this.maxInFlightEvents = maxInFlightEvents;
    }

    public String getMaxInFlightBytes() {
        return maxInFlightBytes;
    }

    public void setMaxInFlightBytes(String maxInFlightBytes) {
        this.maxInFlightBytes = maxInFlightBytes;
    }

    public String getSpillDir() {
        return spillDir;
    }

    public void setSpillDir(String spillDir) {
        this.spillDir = spillDir;
    }

    public DeliveryListener getDeliveryListener() {
        return deliveryListener;
    }

    public void setDeliveryListener(DeliveryListener deliveryListener) {
        this.deliveryListener = deliveryListener;
    }

    public HttpClientConfigurer getHttpClientConfigurer() {
        return httpClientConfigurer;
    }

    public void setHttpClientConfigurer(HttpClientConfigurer httpClientConfigurer) {
        this.httpClientConfigurer = httpClientConfigurer;
    }

    public ExecutorService getWorkerPool() {
        return workerPool;
    }

    public void setWorkerPool(ExecutorService workerPool) {
        this.workerPool = workerPool;
    }
}

package io.ampfill.camel;

import io.ampfill.camel.producer.support.EventBodies;
import io.ampfill.camel.producer.support.ExchangeDeliveryListener;
import io.ampfill.camel.producer.support.ExchangesInFlight;
import io.ampfill.camel.producer.support.HttpBatchPoster;
import io.ampfill.camel.producer.support.LoggedDelivery;
import io.ampfill.delivery.DeliverySettings;
import io.ampfill.delivery.DeviceLanes;
import io.ampfill.delivery.LaneGauges;
import io.ampfill.delivery.EventOrigin;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.ExecutorServiceManager;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;
import org.apache.camel.support.service.ServiceHelper;

import java.util.concurrent.ExecutorService;

/**
 * Sends events to Amplitude's Batch Event Upload API with ampfill's promise: each event acknowledged by Amplitude or
 * refused with the reason, none twice, each device's in order, each device within its rate. The events of every
 * exchange in flight to the endpoint are batched per device into shared requests; a batch waits out a 429 or a quota
 * pause without holding up other devices, a 400 resends the valid events, a 413 splits the request.
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = "amplitude", title = "Amplitude", syntax = "amplitude:api", producerOnly = true,
        remote = true, category = {Category.CLOUD, Category.MONITORING})
public class AmplitudeEndpoint extends DefaultEndpoint {
    @UriPath(enums = "batch", description = "The API events go to: batch, Amplitude's Batch Event Upload")
    @Metadata(required = true)
    private String api;
    @UriParam
    private AmplitudeConfiguration configuration;

    private final ExchangesInFlight inFlight = new ExchangesInFlight();
    private EventBodies bodies;
    private AmpfillHttpComponent http;
    private Producer httpProducer;
    private ExecutorService senders;
    private ExecutorService dispatcher;
    private volatile DeviceLanes lanes;

    public AmplitudeEndpoint(String uri, AmplitudeComponent component, String api, AmplitudeConfiguration configuration) {
        super(uri, component);
        this.api = api;
        this.configuration = configuration;
    }

    @Override
    public Producer createProducer() {
        return new AmplitudeProducer(this);
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException("amplitude: sends events; it has no consumer");
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        if (!"batch".equals(api)) {
            throw new IllegalArgumentException("amplitude:" + api + ": the API must be batch (amplitude:batch)");
        }
        DeliverySettings settings = configuration.deliverySettings();
        bodies = new EventBodies(configuration.mappingSettings());
        http = new AmpfillHttpComponent();
        http.setCamelContext(getCamelContext());
        http.setConnectTimeout(configuration.getConnectTimeout());
        http.setResponseTimeout(configuration.getResponseTimeout());
        http.setSoTimeout(configuration.getResponseTimeout());
        // every answer reaches ampfill's classifier once: the client's own retries would answer a 429 or a 503 themselves
        http.setAutomaticRetriesDisabled(true);
        // a request waiting for a connection may time out there, never sent
        http.setConnectionsPerRoute(settings.mostConcurrentRequests());
        http.setMaxTotalConnections(settings.mostConcurrentRequests());
        http.setHttpClientConfigurer(configuration.getHttpClientConfigurer());
        ServiceHelper.startService(http);
        String url = configuration.getEndpoint();
        // Camel's threads, so that its shutdown and JMX see them
        ExecutorServiceManager threads = getCamelContext().getExecutorServiceManager();
        if (url.regionMatches(true, 0, "https:", 0, 6)) {
            ExecutorService warmUp = threads.newSingleThreadExecutor(this, "AmplitudeTlsWarmUp");
            AmpfillHttpComponent.warmUpTls(warmUp);
            threads.shutdown(warmUp); // its one task still runs; then its thread ends
        }
        Endpoint post = http.createEndpoint(url + (url.contains("?") ? "&" : "?") + "throwExceptionOnFailure=false&skipRequestHeaders=true");
        httpProducer = post.createProducer();
        ServiceHelper.startService(post, httpProducer);

        // a cached pool takes an idle thread when there is one: a fixed pool of the ceiling (128 with adaptive
        // concurrency) made a new thread for each of its first 128 requests, however few were in flight (30 MB and
        // 6% of a run of 200,000 events next door). The lanes never hand it more requests than the limit allows
        senders = threads.newCachedThreadPool(this, "AmplitudeSender");
        dispatcher = threads.newSingleThreadExecutor(this, "AmplitudeDispatcher");
        ExchangeDeliveryListener listener = new ExchangeDeliveryListener(
                configuration.getDeliveryListener() != null ? configuration.getDeliveryListener() : new LoggedDelivery(), inFlight);
        lanes = new DeviceLanes(settings, new HttpBatchPoster(post, httpProducer, settings.apiKey()), listener,
                SystemClock.INSTANCE, SystemClock.INSTANCE.nanoTime(), senders, dispatcher).start();
    }

    @Override
    protected void doStop() throws Exception {
        if (lanes != null) {
            lanes.close(); // what is not acknowledged stays unsettled: its source sends it again
        }
        ExecutorServiceManager threads = getCamelContext().getExecutorServiceManager();
        if (senders != null) {
            threads.shutdownNow(senders);
        }
        if (dispatcher != null) {
            threads.shutdownNow(dispatcher);
        }
        ServiceHelper.stopService(httpProducer, http);
        super.doStop();
    }

    /**
     * Takes an origin's events out of the lanes (a source that gave its records away: a Kafka partition moved to another
     * instance); see {@link DeviceLanes#withdraw}. Returns how many were dropped so far (0 before the endpoint started).
     */
    public long withdraw(EventOrigin origin) {
        DeviceLanes running = lanes;
        return running == null ? 0 : running.withdraw(origin);
    }

    /** How many events of a withdrawn origin were dropped so far; see {@link DeviceLanes#droppedOf}. */
    public long droppedOf(EventOrigin origin) {
        DeviceLanes running = lanes;
        return running == null ? 0 : running.droppedOf(origin);
    }

    DeviceLanes lanes() {
        return lanes;
    }

    /** What this endpoint's lanes hold now (nothing before it has started or after it has stopped). */
    public LaneGauges laneGauges() {
        DeviceLanes current = lanes;
        return current == null ? LaneGauges.NONE : current.gauges();
    }

    EventBodies bodies() {
        return bodies;
    }

    ExchangesInFlight inFlight() {
        return inFlight;
    }

    public String getApi() {
        return api;
    }

    /** The API events go to: batch, Amplitude's Batch Event Upload. */
    public void setApi(String api) {
        this.api = api;
    }

    public AmplitudeConfiguration getConfiguration() {
        return configuration;
    }

    public void setConfiguration(AmplitudeConfiguration configuration) {
        this.configuration = configuration;
    }
}

package io.ampfill.camel.producer.support;

import io.ampfill.delivery.BatchPoster;
import io.ampfill.delivery.HttpAnswer;
import io.ampfill.delivery.RequestBody;
import io.ampfill.secret.SecretMask;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Producer;
import org.apache.camel.component.http.HttpMethods;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.AbstractHttpEntity;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Posts a request body with a camel-http producer of the endpoint's own (every status handed back as an answer, the
 * client's own retries off), so every answer reaches the classifier once. The API key is cut out of answer bodies
 * here: Amplitude echoes it when it refuses it. The body goes to the producer as an HTTP entity that writes the
 * events' own bytes (camel-http sends an entity as it is), so no copy of a request is held while it is on the wire.
 */
public final class HttpBatchPoster implements BatchPoster {
    private final Endpoint http;
    private final Producer producer;
    private final String apiKey;

    public HttpBatchPoster(Endpoint http, Producer producer, String apiKey) {
        this.http = http;
        this.producer = producer;
        this.apiKey = apiKey;
    }

    @Override
    public HttpAnswer post(RequestBody body) throws Exception {
        Exchange exchange = http.createExchange();
        exchange.getIn().setBody(new Entity(body));
        exchange.getIn().setHeader(Exchange.CONTENT_TYPE, "application/json");
        // the enum itself: the text "POST" cost a full type-converter search per request (seen in profiles)
        exchange.getIn().setHeader(Exchange.HTTP_METHOD, HttpMethods.POST);
        producer.process(exchange);
        if (exchange.getException() != null) {
            throw exchange.getException();
        }
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        if (status == null) {
            throw new IllegalStateException("the HTTP producer for " + http.getEndpointBaseUri() + " returned no HTTP status");
        }
        String text = exchange.getMessage().getBody(String.class);
        return new HttpAnswer(status, exchange.getMessage().getHeader("Retry-After", String.class), mask(text));
    }

    private String mask(String text) {
        return text == null || apiKey.isEmpty() ? text : text.replace(apiKey, SecretMask.mask(apiKey));
    }

    /** A request body as the HTTP client's entity: a known length, written as it goes out, repeatable. */
    private static final class Entity extends AbstractHttpEntity {
        private static final int WRITE_BUFFER_BYTES = 1 << 16;
        private final RequestBody body;

        Entity(RequestBody body) {
            super(ContentType.APPLICATION_JSON, null);
            this.body = body;
        }

        @Override
        public long getContentLength() {
            return body.length();
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            // the client's own buffer is 8 KB and takes writes of under 512 bytes (an event) into it: a write to the
            // socket per 8 KB, ten times as many as for the whole body at once; 64 KB at a time costs a copy instead
            BufferedOutputStream buffered = new BufferedOutputStream(out, WRITE_BUFFER_BYTES);
            body.writeTo(buffered);
            buffered.flush();
        }

        @Override
        public InputStream getContent() {
            return new ByteArrayInputStream(body.toByteArray()); // only for a client that reads the entity itself
        }

        @Override
        public boolean isRepeatable() {
            return true;
        }

        @Override
        public boolean isStreaming() {
            return false;
        }

        @Override
        public void close() {
            // nothing to release: the events stay with their lanes
        }
    }
}

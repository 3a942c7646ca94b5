package io.ampfill.camel.producer.support;

import io.ampfill.delivery.BatchPoster;
import io.ampfill.delivery.HttpAnswer;
import io.ampfill.secret.SecretMask;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Producer;
import org.apache.camel.component.http.HttpMethods;

/**
 * Posts a request body with a camel-http producer of the endpoint's own (every status handed back as an answer, the
 * client's own retries off), so every answer reaches the classifier once. The API key is cut out of answer bodies
 * here: Amplitude echoes it when it refuses it.
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
    public HttpAnswer post(byte[] body) throws Exception {
        Exchange exchange = http.createExchange();
        exchange.getIn().setBody(body);
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
}

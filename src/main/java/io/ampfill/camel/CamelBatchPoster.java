package io.ampfill.camel;

import io.ampfill.delivery.BatchPoster;
import io.ampfill.delivery.HttpAnswer;
import io.ampfill.secret.SecretMask;

import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.http.HttpMethods;

/**
 * Posts through the delivery route (routes/delivery.camel.yaml: camel-http with
 * throwExceptionOnFailure=false and its own retries off), so every answer reaches the classifier once.
 * The API key is cut out of answer bodies here: Amplitude echoes it when it refuses it.
 */
public final class CamelBatchPoster implements BatchPoster {
    private final ProducerTemplate template;
    private final String routeUri;
    private final String apiKey;

    public CamelBatchPoster(ProducerTemplate template, String routeUri, String apiKey) {
        this.template = template;
        this.routeUri = routeUri;
        this.apiKey = apiKey;
    }

    @Override
    public HttpAnswer post(byte[] body) throws Exception {
        Exchange answer = template.send(routeUri, exchange -> {
            exchange.getIn().setBody(body);
            exchange.getIn().setHeader(Exchange.CONTENT_TYPE, "application/json");
            // the enum itself: the text "POST" cost a full type-converter search per request (seen in profiles)
            exchange.getIn().setHeader(Exchange.HTTP_METHOD, HttpMethods.POST);
        });
        if (answer.getException() != null) {
            throw answer.getException();
        }
        Integer status = answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        if (status == null) {
            throw new IllegalStateException("the delivery route " + routeUri + " returned no HTTP status");
        }
        String text = answer.getMessage().getBody(String.class);
        return new HttpAnswer(status, answer.getMessage().getHeader("Retry-After", String.class), mask(text));
    }

    private String mask(String text) {
        return text == null || apiKey.isEmpty() ? text : text.replace(apiKey, SecretMask.mask(apiKey));
    }
}

package io.ampfill.delivery;

/** What came back for one POST /batch: the status, the Retry-After header (or null) and the body text. */
public record HttpAnswer(int status, String retryAfter, String body) {
}

package io.ampfill.delivery;

/** Sends one request body to the Batch API and returns the answer; throws when there was no answer (timeout, reset). */
@FunctionalInterface
public interface BatchPoster {
    HttpAnswer post(RequestBody body) throws Exception;
}

package io.ampfill.camel;

/**
 * Delivery stopped for good: an answer nothing can succeed after until a person acts (a wrong API key, a 403, an
 * endpoint that is not Amplitude's), or events that could not be kept. Every exchange in flight fails with it, and so
 * does every exchange sent to the endpoint after; what was not acknowledged was not delivered.
 */
public final class AmplitudeDeliveryStoppedException extends Exception {
    private static final long serialVersionUID = 1L;

    public AmplitudeDeliveryStoppedException(String reason) {
        super("Amplitude delivery stopped: " + reason);
    }
}

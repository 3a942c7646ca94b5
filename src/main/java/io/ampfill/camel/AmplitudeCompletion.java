package io.ampfill.camel;

/** When an exchange sent to {@code amplitude:batch} completes. */
public enum AmplitudeCompletion {
    /**
     * Once Amplitude has acknowledged every event in it, or refused it: a refused event fails the exchange, so the
     * route's error handler decides. A broker's acknowledgement or a Kafka commit then follows Amplitude's.
     */
    ACKNOWLEDGEMENT,
    /**
     * Once its events are in the device lanes (the in-flight window holds the exchange back when full). Its events are
     * already mapped, each with the source unit it settles when Amplitude has it (ampfill's own file and database
     * routes, which complete a file or a page when its unit is settled); refused events go to the delivery listener.
     */
    ACCEPTANCE
}

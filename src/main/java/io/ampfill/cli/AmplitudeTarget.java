package io.ampfill.cli;

/**
 * Where this run's events go: Amplitude at {@code amplitude.endpoint} with the run's key, or, with no key, the built-in
 * emulator (a dry run, which also moves and records nothing).
 *
 * @param apiKey the key sent; a dry run's is {@link #DRY_RUN_KEY}
 */
record AmplitudeTarget(boolean dryRun, String endpoint, String apiKey) {
    /** Sent to the emulator in a dry run; never a real key. */
    static final String DRY_RUN_KEY = "dry-run-no-key";

    /**
     * A dry run is a run with no amplitude.api-key that sends to Amplitude; publishing to Kafka is never one: it sends
     * nothing to Amplitude, and what it publishes is real.
     */
    static boolean dryRun(Settings settings) {
        return settings.get(Setting.API_KEY).isEmpty() && !publishing(settings);
    }

    /** backfill.sink=kafka: the events go to a Kafka topic, not to Amplitude. */
    static boolean publishing(Settings settings) {
        return settings.get(Setting.SINK).equals("kafka");
    }

    /** Never the key itself: a record's toString would print it. */
    @Override
    public String toString() {
        return dryRun ? "the built-in emulator at " + endpoint : endpoint;
    }
}

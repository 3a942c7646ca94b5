package io.ampfill.cli;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.ampfill.delivery.DeliverySettings;
import io.ampfill.setting.BadSettingException;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static io.ampfill.cli.SettingCheck.quoted;

/**
 * What each setting of application.properties may be, checked before anything starts: a value that would hang the
 * run, break it half-way or be read in a way the user did not mean stops it at once with exit code 2 and one line,
 * {@code ampfill: <setting>: <what is wrong>}. Each setting's own check is in its {@link Setting} declaration; the
 * settings that must agree with each other are checked here, after those.
 */
final class SettingRules {
    /** Amplitude refuses a request of more events than this. */
    static final int AMPLITUDE_MAX_EVENTS = 2000;
    /** Amplitude refuses a request body larger than this (20 MB). */
    static final long AMPLITUDE_MAX_BODY_BYTES = 20L * 1024 * 1024;
    /** Amplitude's documented rate per device; a faster pace only earns 429s. */
    static final int AMPLITUDE_MAX_DEVICE_EPS = 1000;
    /** Room for one event in a request, beyond its envelope: an event is rarely larger (Amplitude cuts strings at 1 KB). */
    static final int ONE_EVENT_BYTES = 1024;

    private SettingRules() {
    }

    /**
     * Checks every setting, in the order of application.properties; then the component's options that a setting sets,
     * where given by the component's own names (camel.component.amplitude.device-eps), as the setting is checked, so
     * that the component's guards are never what a user meets; then the settings that must agree with each other.
     */
    static void check(Settings settings) {
        for (Setting<?> setting : Setting.ALL) {
            String problem = setting.problem(settings.text(setting));
            if (problem != null) {
                throw new BadSettingException(setting.name(), problem);
            }
        }
        for (Setting<?> setting : Setting.ALL) {
            for (String option : setting.componentProperties()) {
                String value = settings.property(option);
                String problem = value.isEmpty() ? null : setting.problem(value);
                if (problem != null) {
                    throw new BadSettingException(option, problem);
                }
            }
        }
        checkCombinations(settings);
    }

    private static void checkCombinations(Settings settings) {
        if (settings.get(Setting.SOURCE).equals("kafka")) {
            for (Setting<String> needed : List.of(Setting.KAFKA_BOOTSTRAP_SERVERS, Setting.KAFKA_TOPIC)) {
                if (settings.text(needed).isBlank()) {
                    throw new BadSettingException(needed.name(), "is empty; " + Setting.SOURCE + "=kafka reads from it");
                }
            }
        }
        Duration base = settings.get(Setting.RETRY_BASE);
        Duration maxBackoff = settings.get(Setting.RETRY_MAX_BACKOFF);
        if (maxBackoff.compareTo(base) < 0) {
            throw new BadSettingException(Setting.RETRY_MAX_BACKOFF.name(), "must be at least " + Setting.RETRY_BASE + " ("
                    + DurationText.format(base) + "), got " + quoted(settings.text(Setting.RETRY_MAX_BACKOFF)));
        }
        if (settings.get(Setting.SOURCE).equals("kafka") && settings.get(Setting.SINK).equals("kafka")) {
            throw new BadSettingException(Setting.SINK.name(), "kafka publishes what the file or jdbc source reads; with "
                    + Setting.SOURCE + "=kafka the events are in a topic already: leave " + Setting.SINK + " at amplitude");
        }
        String apiKey = settings.get(Setting.API_KEY);
        long envelope = requestEnvelopeBytes(apiKey.isEmpty() ? AmplitudeTarget.DRY_RUN_KEY : apiKey,
                settings.get(Setting.MIN_ID_LENGTH));
        long requestBytes = settings.get(Setting.MAX_REQUEST_BYTES);
        if (requestBytes < envelope + ONE_EVENT_BYTES) {
            throw new BadSettingException(Setting.MAX_REQUEST_BYTES.name(), "must be at least "
                    + (envelope + ONE_EVENT_BYTES) + ", room for the request's envelope (" + envelope
                    + " bytes) and one event of 1 KB, got " + quoted(settings.text(Setting.MAX_REQUEST_BYTES)));
        }
        // the events read but not acknowledged are kept in memory: more than half the heap would run out of it (auto
        // is two fifths of it, as delivery resolves it)
        long heap = Runtime.getRuntime().maxMemory();
        long heapHalf = heap / 2;
        if (DeliverySettings.inFlightBytes(settings.get(Setting.MAX_IN_FLIGHT_BYTES), heap) > heapHalf) {
            throw new BadSettingException(Setting.MAX_IN_FLIGHT_BYTES.name(), "must be at most half the heap ("
                    + heapHalf + " bytes of -Xmx" + heap / (1024 * 1024) + "m); raise -Xmx or lower it, got "
                    + quoted(settings.text(Setting.MAX_IN_FLIGHT_BYTES)));
        }
    }

    /** {"api_key":"KEY","events":[ ... ],"options":{"min_id_length":N}}: the bytes of a request around its events. */
    static long requestEnvelopeBytes(String apiKey, int minIdLength) {
        String key = new String(JsonStringEncoder.getInstance().quoteAsString(apiKey));
        return ("{\"api_key\":\"" + key + "\",\"events\":[],\"options\":{\"min_id_length\":" + minIdLength + "}}")
                .getBytes(StandardCharsets.UTF_8).length;
    }
}

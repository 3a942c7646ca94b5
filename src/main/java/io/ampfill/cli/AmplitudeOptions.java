package io.ampfill.cli;

import io.ampfill.camel.AmplitudeComponent;
import org.apache.camel.CamelContext;
import org.apache.camel.support.PropertyBindingSupport;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The settings of application.properties that configure the {@code amplitude} component, each with the option it sets:
 * the one place the two meet. The component's option (its type, default and description, in the component's JSON)
 * declares the setting; users keep ampfill's names, checked first by {@link SettingRules} with ampfill's messages.
 */
final class AmplitudeOptions {
    /** Setting to option, in the order of application.properties. */
    static final Map<String, String> OPTION_OF_SETTING = options(
            "amplitude.api-key", "apiKey",
            "amplitude.endpoint", "endpoint",
            "amplitude.device-eps", "deviceEps",
            "amplitude.min-id-length", "minIdLength",
            "amplitude.skip-user-properties-sync", "skipUserPropertiesSync",
            "amplitude.max-concurrent-requests", "maxConcurrentRequests",
            "amplitude.max-concurrent-requests-ceiling", "maxConcurrentRequestsCeiling",
            "amplitude.max-events-per-request", "maxEventsPerRequest",
            "amplitude.max-request-bytes", "maxRequestBytes",
            "amplitude.quota-pause", "quotaPause",
            "amplitude.retry.base", "retryBase",
            "amplitude.retry.max-backoff", "retryMaxBackoff",
            "amplitude.retry.give-up-after", "giveUpAfter",
            "amplitude.connect-timeout", "connectTimeout",
            "amplitude.response-timeout", "responseTimeout",
            "backfill.max-time-ahead", "maxTimeAhead",
            "backfill.max-in-flight-events", "maxInFlightEvents",
            "backfill.max-in-flight-bytes", "maxInFlightBytes",
            "backfill.spill-dir", "spillDir");

    private AmplitudeOptions() {
    }

    private static Map<String, String> options(String... settingThenOption) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < settingThenOption.length; i += 2) {
            options.put(settingThenOption[i], settingThenOption[i + 1]);
        }
        return options;
    }

    /**
     * The component configured from the settings, where set ({@code replaced}: values the run decides instead, such as a
     * dry run's key and endpoint). Settings left empty keep the option's default.
     */
    static AmplitudeComponent component(CamelContext context, Settings settings, Map<String, String> replaced) {
        Map<String, Object> values = new LinkedHashMap<>();
        OPTION_OF_SETTING.forEach((setting, option) -> {
            String value = replaced.getOrDefault(setting, settings.optional(setting));
            if (!value.isEmpty()) {
                values.put(option, value);
            }
        });
        AmplitudeComponent component = new AmplitudeComponent();
        component.setCamelContext(context);
        // Camel's own binder, with the component's generated configurer: the types and the duration units as Camel reads them
        PropertyBindingSupport.build().withCamelContext(context).withTarget(component).withProperties(values)
                .withMandatory(true).bind();
        return component;
    }
}

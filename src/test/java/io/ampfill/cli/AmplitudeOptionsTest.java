package io.ampfill.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.support.service.ServiceHelper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * The amplitude.* settings of application.properties are the amplitude component's options under ampfill's names: each
 * sets the option the component declares under its name in camelCase (or an alias listed here), with the option's
 * default; and the component's own guards are never what a user meets, since the settings' checks refuse first.
 */
class AmplitudeOptionsTest {
    /** The application's own default where the component's differs, and why. */
    private static final Map<String, String> APPLICATION_DEFAULTS = Map.of(
            "backfill.spill-dir", "the application keeps a device's waiting events in a folder; the component, by default, in memory");
    /** Settings whose option has another name than the setting's in camelCase, and why. */
    private static final Map<String, String> ALIASES = Map.of(
            "amplitude.retry.give-up-after", "giveUpAfter: the setting sits with the other retry settings, the option"
                    + " says what it gives up after");

    @Test
    void every_amplitude_setting_sets_an_option_of_the_component_with_its_default() throws IOException {
        JsonNode options;
        try (InputStream json = getClass().getResourceAsStream("/META-INF/io/ampfill/camel/amplitude.json")) {
            options = new ObjectMapper().readTree(json).path("properties");
        }
        Map<String, String> settings = ConfigurationDocsTest.defaults();

        assertThat(AmplitudeOptions.OPTION_OF_SETTING.keySet().stream().map(Setting::name).toList())
                .containsAll(settings.keySet().stream().filter(s -> s.startsWith("amplitude.")).toList());
        AmplitudeOptions.OPTION_OF_SETTING.forEach((declared, option) -> {
            String setting = declared.name();
            assertThat(settings).as("application.properties").containsKey(setting);
            assertThat(options.has(option)).as("option %s of %s", option, setting).isTrue();
            if (!APPLICATION_DEFAULTS.containsKey(setting)) {
                assertThat(normalized(settings.get(setting))).as("default of %s", setting)
                        .isEqualTo(normalized(options.path(option).path("defaultValue").asText("")));
            }
        });
    }

    @Test
    void each_setting_sets_the_option_of_its_name_in_camel_case_but_for_the_listed_aliases() {
        Map<String, String> renamed = new LinkedHashMap<>();
        AmplitudeOptions.OPTION_OF_SETTING.forEach((setting, option) -> {
            if (!option.equals(camelCase(setting.name()))) {
                renamed.put(setting.name(), option);
            }
        });

        assertThat(renamed.keySet()).isEqualTo(ALIASES.keySet());
        renamed.forEach((setting, option) -> assertThat(ALIASES.get(setting)).startsWith(option + ":"));
    }

    /**
     * DeliverySettings refuses some values with words of its own (the component's invariants): every such value is
     * refused by the setting's check first, in ampfill's words (also when given by the option's own name,
     * camel.component.amplitude.*: BadSettingsTest), and the values at the edges of what the checks accept start the
     * component.
     */
    @Test
    void what_the_component_refuses_the_settings_refuse_first() throws Exception {
        Map<Setting<?>, List<String>> refusedByDelivery = Map.of(
                Setting.DEVICE_EPS, List.of("-1", "-0.5"),
                Setting.MAX_EVENTS_PER_REQUEST, List.of("0", "-1", "2001"),
                Setting.MAX_CONCURRENT_REQUESTS, List.of("0", "-1", "many"),
                Setting.MAX_CONCURRENT_REQUESTS_CEILING, List.of("0", "-1"),
                Setting.MAX_IN_FLIGHT_EVENTS, List.of("0", "-1"),
                Setting.MAX_IN_FLIGHT_BYTES, List.of("0", "-1"));
        refusedByDelivery.forEach((setting, values) -> values.forEach(value ->
                assertThat(setting.problem(value)).as("%s=%s", setting, value).startsWith("must be ")));

        for (Map<String, String> edges : List.of(
                Map.of("amplitude.device-eps", "0", "amplitude.max-events-per-request", "1",
                        "amplitude.max-concurrent-requests", "1", "amplitude.max-concurrent-requests-ceiling", "1",
                        "backfill.max-in-flight-events", "1", "backfill.max-in-flight-bytes", "1"),
                Map.of("amplitude.device-eps", "1000", "amplitude.max-events-per-request", "2000",
                        "amplitude.max-concurrent-requests", "adaptive", "amplitude.max-concurrent-requests-ceiling", "1024"))) {
            assertThatCode(() -> startComponent(edges)).as(edges.toString()).doesNotThrowAnyException();
        }
    }

    /** The component made from application.properties with these settings over it, as a run makes it, and started. */
    private static void startComponent(Map<String, String> overrides) throws Exception {
        try (CamelContext context = new DefaultCamelContext()) {
            PropertiesComponent properties = context.getPropertiesComponent();
            properties.setLocation(AmpfillApp.SETTINGS_LOCATION);
            overrides.forEach(properties::addOverrideProperty);
            Settings settings = new Settings(properties);
            SettingRules.check(settings);
            context.addComponent("amplitude", AmplitudeOptions.component(context, settings,
                    Map.of(Setting.API_KEY, "test-key-0123456789", Setting.SPILL_DIR, "")));
            context.start();
            ServiceHelper.startService(context.getEndpoint("amplitude:batch"));
        }
    }

    /** amplitude.retry.max-backoff: retryMaxBackoff. */
    private static String camelCase(String setting) {
        String[] words = setting.substring(setting.indexOf('.') + 1).split("[.-]");
        StringBuilder camel = new StringBuilder(words[0]);
        for (int i = 1; i < words.length; i++) {
            camel.append(words[i].substring(0, 1).toUpperCase(Locale.ROOT)).append(words[i].substring(1));
        }
        return camel.toString();
    }

    /** 300 and 300.0 are one default. */
    private static String normalized(String value) {
        return value.matches("\\d+\\.0") ? value.substring(0, value.length() - 2) : value;
    }
}

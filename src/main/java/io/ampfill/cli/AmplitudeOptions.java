package io.ampfill.cli;

import io.ampfill.camel.AmplitudeComponent;
import org.apache.camel.CamelContext;
import org.apache.camel.support.PropertyBindingSupport;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The settings of application.properties that configure the {@code amplitude} component: those whose {@link Setting}
 * declaration names a component option. The component's option (its type, default and description, in the
 * component's JSON) is what the setting sets; users keep ampfill's names, checked first by {@link SettingRules} with
 * ampfill's messages.
 */
final class AmplitudeOptions {
    /** Setting to option, in the order of application.properties. */
    static final Map<Setting<?>, String> OPTION_OF_SETTING = options();

    private AmplitudeOptions() {
    }

    private static Map<Setting<?>, String> options() {
        Map<Setting<?>, String> options = new LinkedHashMap<>();
        for (Setting<?> setting : Setting.ALL) {
            if (setting.componentOption() != null) {
                options.put(setting, setting.componentOption());
            }
        }
        return options;
    }

    /**
     * The component configured from the settings, where set ({@code replaced}: values the run decides instead, such as a
     * dry run's key and endpoint). Settings left empty keep the option's default.
     */
    static AmplitudeComponent component(CamelContext context, Settings settings, Map<Setting<?>, String> replaced) {
        Map<String, Object> values = new LinkedHashMap<>();
        OPTION_OF_SETTING.forEach((setting, option) -> {
            String value = replaced.getOrDefault(setting, settings.text(setting));
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

package io.ampfill.cli;

import io.ampfill.camel.AmplitudeComponent;
import io.ampfill.delivery.DeviceLanes;
import io.ampfill.setting.BadSettingException;
import io.ampfill.source.InboxScan;
import org.apache.camel.BindToRegistry;

import java.nio.file.Path;
import java.util.Map;

/**
 * The {@code amplitude} component the routes send to, its options from the amplitude.* settings (a dry run's key and
 * endpoint in place of the settings'); what delivery tells goes to the run's control: dead letters, counts for the
 * report, a fatal stop.
 */
public final class DeliveryConfiguration extends ContextAwareConfiguration {

    /**
     * Made after the sources' configuration (its list order in AmpfillApp): with the source this run's (the inbox's lock,
     * taken with its scan, or the database's), the spill folder's leftovers of an earlier run are ours to delete.
     */
    @BindToRegistry("amplitude")
    public AmplitudeComponent amplitude(Settings settings, AmplitudeTarget target, RunControl control, InboxScan inbox) {
        if (AmplitudeTarget.publishing(settings)) {
            return null; // not bound: the events go to Kafka (KafkaConfiguration's kafkaSink)
        }
        Path spillDir = Path.of(settings.get(Setting.SPILL_DIR)).toAbsolutePath();
        try {
            DeviceLanes.deleteSpillLeftovers(spillDir);
        } catch (java.io.IOException e) {
            throw new BadSettingException(Setting.SPILL_DIR.name(), "cannot empty " + spillDir + ": " + e.getMessage());
        }
        AmplitudeComponent amplitude = AmplitudeOptions.component(getCamelContext(), settings, Map.of(
                Setting.API_KEY, target.apiKey(), Setting.ENDPOINT, target.endpoint(), Setting.SPILL_DIR, spillDir.toString()));
        amplitude.getConfiguration().setDeliveryListener(control);
        return amplitude;
    }
}

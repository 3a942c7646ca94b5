package io.ampfill.cli;

import io.ampfill.camel.AmplitudeComponent;
import io.ampfill.delivery.DeviceLanes;
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
        Path spillDir = Path.of(settings.string("backfill.spill-dir")).toAbsolutePath();
        try {
            DeviceLanes.deleteSpillLeftovers(spillDir);
        } catch (java.io.IOException e) {
            throw new Settings.BadSettingException("backfill.spill-dir", "cannot empty " + spillDir + ": " + e.getMessage());
        }
        AmplitudeComponent amplitude = AmplitudeOptions.component(getCamelContext(), settings, Map.of(
                "amplitude.api-key", target.apiKey(), "amplitude.endpoint", target.endpoint(),
                "backfill.spill-dir", spillDir.toString()));
        amplitude.getConfiguration().setDeliveryListener(control);
        return amplitude;
    }
}

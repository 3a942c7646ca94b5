package io.ampfill.cli;

import org.apache.camel.BindToRegistry;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.spi.PropertiesComponent;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The settings, checked before anything starts, deletes or opens: the first of the run's configuration classes, so a
 * bad setting stops the run with one line. Also what Camel takes from them before it builds anything: its thread
 * pools, the chosen source's route, and the values the routes read that are computed from settings.
 */
public final class SettingsConfiguration extends ContextAwareConfiguration {
    /** Not a setting: what the run decides from them, for the file route (a dry run leaves the input where it is). */
    static final String DRY_RUN = "backfill.dry-run";

    private final MainConfigurationProperties main;

    SettingsConfiguration(MainConfigurationProperties main) {
        this.main = main;
    }

    @BindToRegistry
    public Settings settings() {
        PropertiesComponent properties = getCamelContext().getPropertiesComponent();
        Settings settings = new Settings(properties);
        SettingRules.check(settings);
        FolderSettings.check(settings);
        getCamelContext().getExecutorServiceManager().setThreadPoolFactory(new OutOfMemoryExit.ThreadPools());
        // only the chosen source's and sink's routes are loaded: the other ones' beans are never made
        main.setRoutesIncludePattern(AmpfillApp.routesIncludePattern(Path.of("routes"), settings.get(Setting.SOURCE),
                AmplitudeTarget.publishing(settings) ? "kafka" : "amplitude"));
        properties.addOverrideProperty(DRY_RUN, String.valueOf(AmplitudeTarget.dryRun(settings)));
        Duration pollDelay = settings.get(Setting.POLL_DELAY); // read before it is overridden in milliseconds
        properties.addOverrideProperty(Setting.POLL_DELAY.name(), String.valueOf(pollDelay.toMillis()));
        return settings;
    }
}

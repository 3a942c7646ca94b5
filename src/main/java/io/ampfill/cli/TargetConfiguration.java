package io.ampfill.cli;

import io.ampfill.emulator.AmplitudeEmulator;
import io.ampfill.emulator.EmulatorSettings;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Where the events go: Amplitude, or with no API key the built-in emulator, started here (a dry run). */
public final class TargetConfiguration implements CamelConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(TargetConfiguration.class);
    private final StartedRun run;

    TargetConfiguration(StartedRun run) {
        this.run = run;
    }

    @BindToRegistry(lazy = true)
    public AmplitudeTarget amplitudeTarget(Settings settings) {
        AmplitudeTarget target;
        if (AmplitudeTarget.publishing(settings)) {
            target = new AmplitudeTarget(false, "Kafka topic " + settings.get(Setting.KAFKA_TOPIC) + " at "
                    + settings.get(Setting.KAFKA_BOOTSTRAP_SERVERS), "");
            LOG.info("publishing to {}", target.endpoint());
        } else if (AmplitudeTarget.dryRun(settings)) {
            AmplitudeEmulator emulator = AmplitudeEmulator.start(new EmulatorSettings().keepEvents(false));
            run.closeAfterStop(emulator);
            target = new AmplitudeTarget(true, emulator.batchUrl(), AmplitudeTarget.DRY_RUN_KEY);
            LOG.info("dry run: no amplitude.api-key set, so events go to the built-in emulator at {};"
                    + " nothing leaves this machine and no input file is moved", target.endpoint());
        } else {
            target = new AmplitudeTarget(false, settings.get(Setting.ENDPOINT), settings.get(Setting.API_KEY));
            LOG.info("sending to {}", target.endpoint());
        }
        run.target(target);
        return target;
    }
}

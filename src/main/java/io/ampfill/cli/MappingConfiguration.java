package io.ampfill.cli;

import io.ampfill.deadletter.DeadLetterStore;
import io.ampfill.event.EventIntake;
import io.ampfill.event.MappingSettings;
import io.ampfill.event.RecordMapper;
import io.ampfill.report.RunReport;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;

import java.time.Clock;

/** Map + validate, the step every source's route takes: records to Amplitude events, the refused ones dead-lettered. */
public final class MappingConfiguration implements CamelConfiguration {

    @BindToRegistry(lazy = true)
    public EventIntake eventIntake(Settings settings, DeadLetterStore deadLetters, RunReport report) {
        MappingSettings mapping = new MappingSettings()
                .minIdLength(settings.integer("amplitude.min-id-length"))
                .skipUserPropertiesSync(settings.bool("amplitude.skip-user-properties-sync"))
                .maxTimeAhead(settings.duration("backfill.max-time-ahead"))
                .clock(Clock.systemUTC());
        return new EventIntake(new RecordMapper(mapping), deadLetters, report);
    }
}

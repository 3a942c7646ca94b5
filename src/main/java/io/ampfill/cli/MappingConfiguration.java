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
        return new EventIntake(new RecordMapper(mappingSettings(settings)), deadLetters, report);
    }

    /** How records become events, from the settings: the same for a run and for validate and plan. */
    static MappingSettings mappingSettings(Settings settings) {
        return new MappingSettings()
                .minIdLength(settings.get(Setting.MIN_ID_LENGTH))
                .skipUserPropertiesSync(settings.get(Setting.SKIP_USER_PROPERTIES_SYNC))
                .maxTimeAhead(settings.get(Setting.MAX_TIME_AHEAD))
                .clock(Clock.systemUTC());
    }
}

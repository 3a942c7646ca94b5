package io.ampfill.cli;

import io.ampfill.ledger.AckLedger;
import io.ampfill.ledger.CheckpointStore;
import io.ampfill.secret.SecretText;
import io.ampfill.source.SourceLockException;
import io.ampfill.source.jdbc.JdbcSettingException;
import io.ampfill.source.jdbc.JdbcSource;
import io.ampfill.source.jdbc.JdbcSourceSettings;
import io.ampfill.source.jdbc.UsersSettings;
import org.apache.camel.BindToRegistry;
import org.apache.camel.spi.PropertiesComponent;

/**
 * The database source, which jdbc-source.camel.yaml uses, opened at start when it is the chosen source (its lock taken,
 * its settings and its tables checked), so that what is wrong with it stops the start.
 */
public final class DatabaseConfiguration extends ContextAwareConfiguration {
    private final StartedRun run;

    DatabaseConfiguration(StartedRun run) {
        this.run = run;
    }

    /** Null, so not bound, when the source is the drop folder. */
    @BindToRegistry
    public JdbcSource jdbcSource(Settings settings, AckLedger ledger, CheckpointStore store, RunControl control,
                                 AmplitudeTarget target) {
        if (!settings.string("backfill.source").equals("jdbc")) {
            return null;
        }
        PropertiesComponent properties = getCamelContext().getPropertiesComponent();
        JdbcSource source;
        try {
            source = new JdbcSource(JdbcSourceSettings.from(properties::resolveProperty),
                    UsersSettings.from(properties::resolveProperty), ledger, store, control::isStopping, !target.dryRun());
        } catch (SourceLockException inUse) {
            throw inUse;
        } catch (JdbcSettingException bad) {
            // its message is already "<setting>: <problem>"
            throw new Settings.BadSettingException(bad.setting(), bad.getMessage().substring(bad.setting().length() + 2));
        } catch (Exception failed) {
            // a driver may echo the URL or the password; neither reaches output
            throw new Settings.BadSettingException("backfill.jdbc.url", "cannot read from the database: " + SecretText.mask(
                    String.valueOf(failed.getMessage()), properties.resolveProperty("backfill.jdbc.password").orElse(null)));
        }
        run.closeAfterStop(source);
        return source;
    }
}

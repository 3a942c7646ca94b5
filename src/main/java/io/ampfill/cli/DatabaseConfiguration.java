package io.ampfill.cli;

import io.ampfill.ledger.AckLedger;
import io.ampfill.ledger.CheckpointStore;
import io.ampfill.report.RunReport;
import io.ampfill.secret.SecretText;
import io.ampfill.setting.BadSettingException;
import io.ampfill.source.SourceLockException;
import io.ampfill.source.jdbc.JdbcSource;
import io.ampfill.source.jdbc.JdbcSourceSettings;
import io.ampfill.source.jdbc.UsersSettings;
import org.apache.camel.BindToRegistry;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.ExecutorServiceManager;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.support.SimpleEventNotifierSupport;

import java.util.concurrent.ExecutorService;

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
                                 AmplitudeTarget target, RunReport report) {
        if (!settings.get(Setting.SOURCE).equals("jdbc")) {
            return null;
        }
        JdbcSource source = open(getCamelContext().getPropertiesComponent(), ledger, store, control::isStopping,
                !target.dryRun());
        run.closeAfterStop(source);
        countRowsToRead(source, report);
        return source;
    }

    /**
     * The rows the run has to read, counted on a thread of Camel's while the first pages are read, so that progress
     * and the report know the total. As Camel starts stopping, a count still running is ended: the run does not wait
     * for it (a thread blocked in a query does not heed the interrupt of Camel's shutdown).
     */
    private void countRowsToRead(JdbcSource source, RunReport report) {
        ExecutorServiceManager threads = getCamelContext().getExecutorServiceManager();
        ExecutorService counting = threads.newSingleThreadExecutor(this, "AmpfillRowCount");
        source.countRowsToRead(counting, report::recordsKnown);
        getCamelContext().getManagementStrategy().addEventNotifier(new SimpleEventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                if (event instanceof CamelEvent.CamelContextStoppingEvent) {
                    source.stopCounting();
                    threads.shutdownNow(counting);
                }
            }
        });
    }

    /** The database source, what is wrong with it said as a bad setting (never with the password); validate's too. */
    static JdbcSource open(PropertiesComponent properties, AckLedger ledger, CheckpointStore store,
                           java.util.function.BooleanSupplier stopping, boolean oneRunAtATime) {
        try {
            return new JdbcSource(JdbcSourceSettings.from(properties::resolveProperty),
                    UsersSettings.from(properties::resolveProperty), ledger, store, stopping, oneRunAtATime);
        } catch (SourceLockException | BadSettingException said) {
            throw said; // in the user's words already
        } catch (Exception failed) {
            // a driver may echo the URL or the password; neither reaches output
            throw new BadSettingException(Setting.JDBC_URL.name(), "cannot read from the database: " + SecretText.mask(
                    String.valueOf(failed.getMessage()), properties.resolveProperty(Setting.JDBC_PASSWORD.name()).orElse(null)));
        }
    }
}

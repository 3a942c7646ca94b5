package io.ampfill.cli;

import io.ampfill.deadletter.DeadLetterStore;
import io.ampfill.ledger.Checkpointer;
import org.apache.camel.BindToRegistry;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.EventNotifier;
import org.apache.camel.support.SimpleEventNotifierSupport;

import java.time.Duration;

/**
 * How the run stops: Camel waits up to backfill.shutdown-timeout for what was read to be delivered; sources stop
 * reading as Camel starts stopping; once Camel has stopped (and delivery with it), the positions are saved after the
 * last acknowledgements, the dead letters made durable, and only then the run's last words said.
 */
public final class RunLifecycleConfiguration extends ContextAwareConfiguration {
    private final StartedRun run;
    private final MainConfigurationProperties main;
    private final Runnable stopped;

    /** @param stopped runs once Camel has stopped, inside the shutdown hook on SIGTERM: the last words of the run */
    RunLifecycleConfiguration(StartedRun run, MainConfigurationProperties main, Runnable stopped) {
        this.run = run;
        this.main = main;
        this.stopped = stopped;
    }

    @BindToRegistry
    public EventNotifier runLifecycle(Settings settings, RunControl control, Checkpointer checkpointer,
                                      DeadLetterStore deadLetters) {
        Duration shutdownTimeout = settings.get(Setting.SHUTDOWN_TIMEOUT);
        int shutdownSeconds = (int) Math.min(Integer.MAX_VALUE, (shutdownTimeout.toMillis() + 999) / 1000); // as Camel counts
        getCamelContext().getShutdownStrategy().setTimeout(shutdownSeconds);
        main.setShutdownTimeout(shutdownSeconds);
        run.shutdownTimeout(shutdownTimeout);
        EventNotifier lifecycle = new SimpleEventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                if (event instanceof CamelEvent.CamelContextStoppingEvent) {
                    control.stopping();
                } else if (event instanceof CamelEvent.CamelContextStoppedEvent) {
                    // inside the shutdown hook on SIGTERM: the JVM may halt as soon as this returns (the amplitude
                    // endpoint has stopped delivery already, as Camel stopped it)
                    checkpointer.close();
                    deadLetters.close();
                    stopped.run();
                }
            }
        };
        getCamelContext().getManagementStrategy().addEventNotifier(lifecycle);
        return lifecycle;
    }
}

package io.ampfill.cli;

import io.ampfill.camel.AmplitudeEndpoint;
import io.ampfill.camel.KafkaRouteSource;
import io.ampfill.camel.KafkaSink;
import io.ampfill.deadletter.DeadLetterStore;
import io.ampfill.delivery.EventOrigin;
import io.ampfill.ledger.AckLedger;
import io.ampfill.report.RunReport;
import io.ampfill.source.kafka.KafkaSource;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelContext;

import java.util.function.ToLongFunction;

/**
 * The Kafka source, which kafka-source.camel.yaml uses as its client factory, made at start when it is the chosen
 * source: it commits each partition's settled prefix and takes a revoked partition's events out of the lanes.
 */
public final class KafkaConfiguration extends ContextAwareConfiguration {
    /** Null, so not bound, when the source is not Kafka. */
    @BindToRegistry
    public KafkaRouteSource kafkaSource(Settings settings, AckLedger ledger, DeadLetterStore deadLetters, RunControl control,
                                        RunReport report, AmplitudeTarget target) {
        if (!settings.get(Setting.SOURCE).equals("kafka")) {
            return null;
        }
        KafkaSource kafka = new KafkaSource(new KafkaSource.Settings(settings.get(Setting.KAFKA_TOPIC),
                settings.get(Setting.CHECKPOINT_INTERVAL), settings.get(Setting.KAFKA_REVOKE_TIMEOUT),
                settings.get(Setting.SHUTDOWN_TIMEOUT), !target.dryRun()), ledger,
                new AmplitudeLanes(getCamelContext()), deadLetters::flush, control::isStopping, control::sourceCaughtUp);
        report.sourceLines(kafka::reportLines);
        return new KafkaRouteSource(kafka);
    }

    /** The sink kafka-sink.camel.yaml settles each chunk with, once Kafka acknowledged it; null unless publishing. */
    @BindToRegistry
    public KafkaSink kafkaSink(Settings settings, RunReport report) {
        if (!AmplitudeTarget.publishing(settings)) {
            return null;
        }
        report.publishing();
        return new KafkaSink(report);
    }

    /** The lanes of the amplitude endpoints the routes send to, for a source that gives its records away. */
    private record AmplitudeLanes(CamelContext context) implements KafkaSource.Lanes {
        @Override
        public long withdraw(EventOrigin origin) {
            return overEndpoints(amplitude -> amplitude.withdraw(origin));
        }

        @Override
        public long droppedOf(EventOrigin origin) {
            return overEndpoints(amplitude -> amplitude.droppedOf(origin));
        }

        private long overEndpoints(ToLongFunction<AmplitudeEndpoint> each) {
            long sum = 0;
            for (var endpoint : context.getEndpoints()) {
                if (endpoint instanceof AmplitudeEndpoint amplitude) {
                    sum += each.applyAsLong(amplitude);
                }
            }
            return sum;
        }
    }
}

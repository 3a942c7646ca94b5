package io.ampfill.cli;

import io.ampfill.secret.SecretText;
import io.ampfill.setting.BadSettingException;
import org.apache.camel.CamelContext;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * backfill.sink=kafka: before anything is read, the topic must exist on brokers that answer. Without it a send waits up
 * to camel-kafka's max-block-ms for the topic's metadata, each record again: a chunk of 5,000 would take days to fail.
 * Asked with the same client settings the producer gets (camel.component.kafka.*: security included).
 */
final class KafkaTopicCheck {
    private KafkaTopicCheck() {
    }

    /** Checks the topic when the run publishes to Kafka; called once the routes are configured, before any starts. */
    static void ifPublishing(CamelContext context) {
        Settings settings = context.getRegistry().findSingleByType(Settings.class);
        if (settings != null && AmplitudeTarget.publishing(settings)) {
            check(context, settings.get(Setting.KAFKA_BOOTSTRAP_SERVERS), settings.get(Setting.KAFKA_TOPIC));
        }
    }

    static void check(CamelContext context, String servers, String topic) {
        KafkaConfiguration producer = context.getComponent("kafka", KafkaComponent.class).getConfiguration();
        Properties props = new Properties();
        producer.createProducerProperties().forEach((k, v) -> {
            if (AdminClientConfig.configNames().contains(String.valueOf(k))) {
                props.put(k, v);
            }
        });
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        long waitMillis = producer.getMaxBlockMs();
        Admin admin = Admin.create(props);
        try {
            int partitions = admin.describeTopics(List.of(topic),
                            new DescribeTopicsOptions().timeoutMs((int) Math.min(Integer.MAX_VALUE, waitMillis))).allTopicNames().get(waitMillis, TimeUnit.MILLISECONDS)
                    .get(topic).partitions().size();
            if (partitions < 1) {
                throw new BadSettingException(Setting.KAFKA_TOPIC.name(), "Kafka at " + servers + " has topic " + topic
                        + " without partitions");
            }
        } catch (ExecutionException failed) {
            if (failed.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new BadSettingException(Setting.KAFKA_TOPIC.name(), "Kafka at " + servers + " has no topic "
                        + topic + "; create it, with at least as many partitions as instances will read it");
            }
            throw cannotReach(servers, String.valueOf(failed.getCause().getMessage()), producer);
        } catch (TimeoutException slow) {
            throw cannotReach(servers, "no answer within " + waitMillis + " ms (camel.component.kafka.max-block-ms)", producer);
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
            throw cannotReach(servers, "interrupted", producer);
        } finally {
            // at once: a close that waits lets the client go on calling brokers that do not answer for a minute (its
            // default API timeout), after the answer above is already given
            admin.close(Duration.ZERO);
        }
    }

    private static BadSettingException cannotReach(String servers, String why, KafkaConfiguration producer) {
        String said = why;
        for (String secret : new String[] {producer.getSaslJaasConfig(), producer.getSaslPassword(),
                producer.getSslKeyPassword(), producer.getSslKeystorePassword(), producer.getSslTruststorePassword()}) {
            said = SecretText.mask(said, secret);
        }
        return new BadSettingException(Setting.KAFKA_BOOTSTRAP_SERVERS.name(), "cannot reach Kafka at " + servers + ": " + said);
    }
}

package dev.observers.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigReportTest {

    @Test
    void listsEveryKnobWithItsEnvironmentNameAndMasksPasswords() {
        var raw = TestConfigs.raw(Map.of(
                "observers.db.url", "postgresql://app:s3cret@db:5432/app",
                "observers.redis.url", "redis://:r3dis@cache:6379",
                "observers.smtp.password", "sm7p-pass",
                "observers.broker.url", "amqp://app:rabb1t@rabbit:5672/blog"));
        var rows = ConfigReport.rows(raw.getConfigMapping(ObserversConfig.class), raw);
        String table = ConfigReport.format(rows);

        assertThat(table).doesNotContain("s3cret").doesNotContain("r3dis").doesNotContain("sm7p-pass")
                .doesNotContain("rabb1t")
                .contains("amqp://app:***@rabbit:5672/blog")
                .contains("OBSERVERS_SMTP_HOST")
                .contains("postgresql://app:***@db:5432/app")
                .contains("OBSERVERS_CHECKPOINT_BATCH_SIZE")
                .contains("OBSERVERS_EMBEDDED_PG_PORT");
        assertThat(rows).extracting(ConfigReport.Row::property)
                .contains("observers.db.url", "observers.checkpoint.interval-ms", "observers.listener.poll-interval-ms",
                        "observers.max-concurrent-actions", "observers.elasticsearch.index-prefix");
        assertThat(rows).filteredOn(r -> r.property().equals("observers.db.url"))
                .singleElement().extracting(ConfigReport.Row::source).isEqualTo("environment");
        assertThat(rows).filteredOn(r -> r.property().equals("observers.checkpoint.batch-size"))
                .singleElement().extracting(ConfigReport.Row::source).isEqualTo("default");
    }

    @Test
    void valuesOfSecretKnobsAreHiddenWhole() {
        assertThat(ConfigReport.mask("observers.webhook.signing-secret", "abc")).isEqualTo("***");
        assertThat(ConfigReport.mask("observers.db.url", "postgresql://u@h/db")).isEqualTo("postgresql://u@h/db");
    }
}

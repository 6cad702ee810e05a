package dev.observers.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigCheckTest {

    @Test
    void defaultsAreValid() {
        assertThat(ConfigCheck.problems(TestConfigs.of(Map.of()))).isEmpty();
    }

    @Test
    void negativeBatchSizeNamesTheVariableAndTheRange() {
        var config = TestConfigs.of(Map.of("observers.checkpoint.batch-size", "-5"));
        assertThat(ConfigCheck.problems(config)).singleElement().asString()
                .contains("OBSERVERS_CHECKPOINT_BATCH_SIZE")
                .contains("-5")
                .contains("between 1 and 1000000");
    }

    @Test
    void aRetentionThatIsNotADurationNamesTheVariableAndTheForm() {
        assertThat(ConfigCheck.problems(TestConfigs.of(Map.of("observers.changelog.retention", "30 days"))))
                .singleElement().asString()
                .contains("OBSERVERS_CHANGELOG_RETENTION", "'30 days'", "30d, 12h, 5s");
        assertThat(ConfigCheck.problems(TestConfigs.of(Map.of("OBSERVERS_CHANGELOG_RETENTION", "12h")))).isEmpty();
    }

    @Test
    void unparsableUrlIsRefusedWithoutEchoingThePassword() {
        var config = TestConfigs.of(Map.of("observers.db.url", "mysql://app:hunter2@db/app"));
        assertThat(ConfigCheck.problems(config)).singleElement().asString()
                .contains("OBSERVERS_DB_URL")
                .contains("postgresql://")
                .doesNotContain("hunter2");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        var config = TestConfigs.of(Map.of(
                "observers.max-concurrent-actions", "0",
                "observers.redis.url", "http://cache:6379",
                "observers.elasticsearch.index-prefix", "Bad Prefix"));
        assertThatThrownBy(() -> ConfigCheck.require(config))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("OBSERVERS_MAX_CONCURRENT_ACTIONS (or FRAISEQL_MAX_CONCURRENT_ACTIONS)")
                .hasMessageContaining("OBSERVERS_REDIS_URL")
                .hasMessageContaining("OBSERVERS_ELASTICSEARCH_INDEX_PREFIX");
    }

    @Test
    void fraiseqlNamesAreAcceptedWhenTheDaemonsOwnAreUnset() {
        var config = TestConfigs.of(Map.of(
                "FRAISEQL_REDIS_URL", "redis://cache:6380",
                "FRAISEQL_REDIS_DEDUP_WINDOW_SECS", "600",
                "FRAISEQL_MAX_CONCURRENT_ACTIONS", "7",
                "FRAISEQL_CONCURRENT_TIMEOUT_MS", "1234",
                "FRAISEQL_ELASTICSEARCH_URL", "http://search:9200",
                "FRAISEQL_ELASTICSEARCH_INDEX_PREFIX", "fraiseql",
                "FRAISEQL_ELASTICSEARCH_BULK_SIZE", "42",
                "FRAISEQL_ELASTICSEARCH_FLUSH_INTERVAL_SECS", "9"));
        assertThat(config.redis().url()).contains("redis://cache:6380");
        assertThat(config.dedupWindowSecs()).isEqualTo(600);
        assertThat(config.maxConcurrentActions()).isEqualTo(7);
        assertThat(config.actionTimeoutMs()).isEqualTo(1234);
        assertThat(config.elasticsearch().url()).contains("http://search:9200");
        assertThat(config.elasticsearch().indexPrefix()).isEqualTo("fraiseql");
        assertThat(config.elasticsearch().bulkSize()).isEqualTo(42);
        assertThat(config.elasticsearch().flushIntervalSecs()).isEqualTo(9);
    }

    @Test
    void theDaemonsOwnNameWinsOverTheFraiseqlAlias() {
        var config = TestConfigs.of(Map.of(
                "observers.max-concurrent-actions", "11",
                "FRAISEQL_MAX_CONCURRENT_ACTIONS", "7"));
        assertThat(config.maxConcurrentActions()).isEqualTo(11);
    }

    @Test
    void anSmtpHostNeedsAValidSenderAndAPasswordNeedsAUser() {
        var config = TestConfigs.of(Map.of(
                "observers.smtp.host", "mail.example.com",
                "observers.smtp.password", "hunter2"));
        assertThat(ConfigCheck.problems(config))
                .anySatisfy(p -> assertThat(p).contains("OBSERVERS_SMTP_FROM"))
                .anySatisfy(p -> assertThat(p).contains("OBSERVERS_SMTP_USERNAME"))
                .allSatisfy(p -> assertThat(p).doesNotContain("hunter2"));
        var badFrom = TestConfigs.of(Map.of("observers.smtp.host", "mail.example.com", "observers.smtp.from", "observers"));
        assertThat(ConfigCheck.problems(badFrom)).singleElement().asString()
                .contains("OBSERVERS_SMTP_FROM").contains("email address");
    }

    @Test
    void smtpPortAndTimeoutAreRangeChecked() {
        var config = TestConfigs.of(Map.of("observers.smtp.port", "70000", "observers.smtp.timeout-ms", "0"));
        assertThat(ConfigCheck.problems(config))
                .anySatisfy(p -> assertThat(p).contains("OBSERVERS_SMTP_PORT").contains("between 1 and 65535"))
                .anySatisfy(p -> assertThat(p).contains("OBSERVERS_SMTP_TIMEOUT_MS"));
    }

    @Test
    void smtpTlsAcceptsTheThreeModes() {
        assertThat(TestConfigs.of(Map.of()).smtp().tls()).isEqualTo(ObserversConfig.SmtpTls.STARTTLS);
        assertThat(TestConfigs.of(Map.of("OBSERVERS_SMTP_TLS", "none")).smtp().tls())
                .isEqualTo(ObserversConfig.SmtpTls.NONE);
        assertThat(TestConfigs.of(Map.of("OBSERVERS_SMTP_TLS", "tls")).smtp().tls())
                .isEqualTo(ObserversConfig.SmtpTls.TLS);
    }

    @Test
    void aBrokerUrlMustBeAmqpAndIsReportedWithoutItsPassword() {
        var config = TestConfigs.of(Map.of("OBSERVERS_BROKER_URL", "rabbitmq://app:hunter2@rabbit:5672"));
        assertThat(ConfigCheck.problems(config)).singleElement().asString()
                .contains("OBSERVERS_BROKER_URL")
                .contains("amqp://")
                .doesNotContain("hunter2");
        assertThat(ConfigCheck.problems(TestConfigs.of(Map.of("OBSERVERS_BROKER_URL", "amqp://app:pw@rabbit/blog"))))
                .isEmpty();
    }
}

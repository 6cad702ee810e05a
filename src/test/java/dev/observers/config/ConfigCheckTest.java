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
}

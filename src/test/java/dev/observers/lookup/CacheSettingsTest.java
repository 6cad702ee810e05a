package dev.observers.lookup;

import dev.observers.config.ConfigCheck;
import dev.observers.config.TestConfigs;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CacheSettingsTest {

    @Test
    void defaultsKeepResultsAMinuteInRedisAndSecondsInMemory() {
        CacheSettings settings = CacheSettings.from(TestConfigs.of(Map.of()));

        assertThat(settings).isEqualTo(new CacheSettings(Duration.ofSeconds(60), 10_000, Duration.ofSeconds(5),
                Duration.ofMillis(500), "observers:"));
    }

    @Test
    void fraiseqlsCacheTtlIsAcceptedAndTheDaemonsOwnNameWins() {
        assertThat(CacheSettings.from(TestConfigs.of(Map.of("FRAISEQL_REDIS_CACHE_TTL_SECS", "90"))).ttl())
                .isEqualTo(Duration.ofSeconds(90));
        assertThat(CacheSettings.from(TestConfigs.of(Map.of("FRAISEQL_REDIS_CACHE_TTL_SECS", "90",
                "OBSERVERS_CACHE_TTL_SECS", "15"))).ttl()).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void outOfRangeKnobsAndAGlobInTheKeyPrefixAreRefusedByName() {
        var config = TestConfigs.of(Map.of(
                "OBSERVERS_CACHE_TTL_SECS", "0",
                "OBSERVERS_CACHE_LOCAL_TTL_SECS", "0",
                "OBSERVERS_LOOKUP_TIMEOUT_MS", "0",
                "OBSERVERS_REDIS_KEY_PREFIX", "team*:"));

        assertThat(ConfigCheck.problems(config)).containsExactlyInAnyOrder(
                "OBSERVERS_CACHE_TTL_SECS (or FRAISEQL_REDIS_CACHE_TTL_SECS) [observers.cache.ttl-secs] is 0: must be"
                        + " between 1 and 2592000",
                "OBSERVERS_CACHE_LOCAL_TTL_SECS [observers.cache.local-ttl-secs] is 0: must be between 1 and 86400",
                "OBSERVERS_LOOKUP_TIMEOUT_MS [observers.lookup.timeout-ms] is 0: must be between 1 and 600000",
                "OBSERVERS_REDIS_KEY_PREFIX [observers.redis.key-prefix] is 'team*:': must be at most 100 characters"
                        + " without spaces or the glob characters * ? [ ] \\");
    }
}

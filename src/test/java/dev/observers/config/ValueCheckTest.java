package dev.observers.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ValueCheckTest {

    private static List<String> problems(Map<String, String> values) {
        return ValueCheck.problems(values::get);
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "observers.checkpoint.batch-size | abc | OBSERVERS_CHECKPOINT_BATCH_SIZE [observers.checkpoint.batch-size]"
                    + " is 'abc': must be a whole number between 1 and 1000000",
            "observers.checkpoint.batch-size | 0 | OBSERVERS_CHECKPOINT_BATCH_SIZE [observers.checkpoint.batch-size]"
                    + " is '0': must be a whole number between 1 and 1000000",
            "observers.db.pool-size | 99999999999 | OBSERVERS_DB_POOL_SIZE [observers.db.pool-size] is '99999999999':"
                    + " must be a whole number between 1 and 1000",
            "observers.checkpoint.interval-ms | 5s | OBSERVERS_CHECKPOINT_INTERVAL_MS [observers.checkpoint.interval-ms]"
                    + " is '5s': must be a whole number of milliseconds, without a unit, between 1 and 3600000",
            "observers.dedup-window-secs | 5m | OBSERVERS_DEDUP_WINDOW_SECS (or FRAISEQL_REDIS_DEDUP_WINDOW_SECS)"
                    + " [observers.dedup-window-secs] is '5m': must be a whole number of seconds, without a unit,"
                    + " between 1 and 2592000",
            "observers.dedup.enabled | maybe | OBSERVERS_DEDUP_ENABLED [observers.dedup.enabled] is 'maybe':"
                    + " must be true or false",
            "observers.dedup.enabled | ture | OBSERVERS_DEDUP_ENABLED [observers.dedup.enabled] is 'ture':"
                    + " must be true or false",
            "observers.log-json | perhaps | OBSERVERS_LOG_JSON [observers.log-json] is 'perhaps': must be true or false",
            "observers.dedup.fail-closed | 1 | OBSERVERS_DEDUP_FAIL_CLOSED [observers.dedup.fail-closed] is '1':"
                    + " must be true or false",
            "observers.smtp.tls | ssl | OBSERVERS_SMTP_TLS [observers.smtp.tls] is 'ssl': must be one of starttls,"
                    + " tls, none",
            "observers.redis.url | http://cache:6379 | OBSERVERS_REDIS_URL (or FRAISEQL_REDIS_URL) [observers.redis.url]"
                    + " is not a valid URL: scheme must be redis:// or rediss://, got http:// (expected e.g."
                    + " redis://host:6379)"})
    void aValueThatCannotBeReadIsOneLineNamingTheVariableTheValueAndWhatIsAccepted(String property, String value,
                                                                                   String expected) {
        assertThat(problems(Map.of(property, value))).containsExactly(expected);
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({"observers.dedup.enabled, true", "observers.dedup.enabled, FALSE", "observers.log-json, True",
            "observers.smtp.tls, STARTTLS", "observers.smtp.tls, none", "observers.checkpoint.batch-size, ' 500 '",
            "observers.http-port, 0", "observers.db.url, postgresql://app@db:5432/app"})
    void acceptedValuesRaiseNoProblem(String property, String value) {
        assertThat(problems(Map.of(property, value))).isEmpty();
    }

    @Test
    void aUrlProblemNeverEchoesItsPassword() {
        assertThat(problems(Map.of("observers.db.url", "mysql://app:hunter2@db/app"))).singleElement().asString()
                .contains("OBSERVERS_DB_URL", "postgresql://").doesNotContain("hunter2");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        assertThat(problems(Map.of("observers.listener.batch-size", "x", "observers.dedup.enabled", "y",
                "observers.smtp.tls", "z"))).hasSize(3);
    }

    @Test
    void everyNumericKnobHasARange() {
        assertThat(Knob.all()).filteredOn(k -> k.type() == int.class || k.type() == long.class
                        || k.type() == Integer.class || k.type() == Long.class)
                .extracting(Knob::property)
                .allSatisfy(property -> assertThat(ConfigCheck.RANGES).containsKey(property))
                .hasSameSizeAs(ConfigCheck.RANGES.keySet());
    }

    @Test
    void theMappingRefusesAnyBooleanButTrueOrFalse() {
        assertThat(TestConfigs.of(Map.of("OBSERVERS_DEDUP_ENABLED", "False")).dedup().enabled()).isFalse();
        assertThat(TestConfigs.of(Map.of("OBSERVERS_DEDUP_ENABLED", "TRUE")).dedup().enabled()).isTrue();
        assertThatThrownBy(() -> TestConfigs.of(Map.of("OBSERVERS_DEDUP_ENABLED", "yes")))
                .hasMessageContaining("observers.dedup.enabled");
    }
}

package dev.observers.dispatch;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetryPolicyTest {

    @ParameterizedTest(name = "{0} attempt {1} jitter {2} -> {3} ms")
    @CsvSource({
            "EXPONENTIAL, 1, 0.5, 100",
            "EXPONENTIAL, 2, 0.5, 200",
            "EXPONENTIAL, 3, 0.5, 400",
            "EXPONENTIAL, 10, 0.5, 30000",
            "EXPONENTIAL, 80, 0.5, 30000",
            "EXPONENTIAL, 2, 0.0, 150",
            "EXPONENTIAL, 2, 0.999999, 250",
            "EXPONENTIAL, 20, 0.999999, 30000",
            "LINEAR, 1, 0.5, 100",
            "LINEAR, 4, 0.5, 400",
            "LINEAR, 1000, 0.5, 30000",
            "FIXED, 1, 0.5, 100",
            "FIXED, 9, 0.5, 100",
            "FIXED, 9, 0.0, 75",
    })
    void delayFollowsTheStrategyWithinTheCapAndJitter(BackoffStrategy strategy, int attempt, double jitter, long expectedMs) {
        RetryPolicy policy = new RetryPolicy(5, 100, 30_000, strategy);
        assertThat(policy.delayAfter(attempt, jitter).toMillis()).isEqualTo(expectedMs);
    }

    @Test
    void maxAttemptsCountsTheFirstTry() {
        RetryPolicy policy = new RetryPolicy(3, 100, 1000, BackoffStrategy.FIXED);
        assertThat(policy.hasAttemptAfter(1)).isTrue();
        assertThat(policy.hasAttemptAfter(2)).isTrue();
        assertThat(policy.hasAttemptAfter(3)).isFalse();
    }

    @Test
    void nonsenseIsRefusedWithTheFieldName() {
        assertThatThrownBy(() -> new RetryPolicy(0, 1, 1, BackoffStrategy.FIXED)).hasMessageContaining("max_attempts");
        assertThatThrownBy(() -> new RetryPolicy(1, 10, 5, BackoffStrategy.FIXED)).hasMessageContaining("max_delay_ms");
    }

    @Test
    void anEndlessBackoffDoublesFromItsStartToItsCap() {
        RetryPolicy b = RetryPolicy.backoff(java.time.Duration.ofMillis(100), java.time.Duration.ofSeconds(10));
        assertThat(b.delayAfter(1, 0.5).toMillis()).isEqualTo(100);
        assertThat(b.delayAfter(2, 0.5).toMillis()).isEqualTo(200);
        assertThat(b.delayAfter(8, 0.5).toMillis()).isEqualTo(10_000);
        assertThat(b.delayAfter(1_000_000, 0.5).toMillis()).isEqualTo(10_000);
        assertThat(b.hasAttemptAfter(1_000_000)).isTrue();
    }
}

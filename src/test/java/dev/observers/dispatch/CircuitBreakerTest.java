package dev.observers.dispatch;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class CircuitBreakerTest {

    private final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void opensAfterConsecutiveFailuresThenProbesAndCloses() {
        CircuitBreaker b = new CircuitBreaker(3, Duration.ofSeconds(10), Duration.ofMinutes(5));
        b.onFailure(t0);
        b.onFailure(t0);
        assertThat(b.tryAcquire(t0)).isInstanceOf(CircuitBreaker.Permit.Granted.class);
        b.onFailure(t0);
        assertThat(b.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(b.tryAcquire(t0.plusSeconds(5))).isEqualTo(new CircuitBreaker.Permit.WaitUntil(t0.plusSeconds(10)));

        assertThat(b.tryAcquire(t0.plusSeconds(10))).as("the first call after the open period is a probe")
                .isInstanceOf(CircuitBreaker.Permit.Probe.class);
        assertThat(b.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        assertThat(b.tryAcquire(t0.plusSeconds(10))).as("one probe at a time")
                .isInstanceOf(CircuitBreaker.Permit.WaitUntil.class);
        b.onSuccess();
        assertThat(b.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(b.tryAcquire(t0.plusSeconds(10))).isInstanceOf(CircuitBreaker.Permit.Granted.class);
    }

    @Test
    void aFailedProbeReopensForTwiceAsLongUpToTheCap() {
        CircuitBreaker b = new CircuitBreaker(1, Duration.ofSeconds(10), Duration.ofSeconds(25));
        b.onFailure(t0);
        Instant probe1 = t0.plusSeconds(10);
        b.tryAcquire(probe1);
        b.onFailure(probe1);
        assertThat(b.tryAcquire(probe1.plusSeconds(19))).isEqualTo(new CircuitBreaker.Permit.WaitUntil(probe1.plusSeconds(20)));
        Instant probe2 = probe1.plusSeconds(20);
        b.tryAcquire(probe2);
        b.onFailure(probe2);
        assertThat(b.tryAcquire(probe2)).isEqualTo(new CircuitBreaker.Permit.WaitUntil(probe2.plusSeconds(25)));
    }

    @Test
    void anAbandonedProbeLetsTheNextCallerProbe() {
        CircuitBreaker b = new CircuitBreaker(1, Duration.ofSeconds(10), Duration.ofSeconds(10));
        b.onFailure(t0);
        Instant later = t0.plusSeconds(10);
        assertThat(b.tryAcquire(later)).isInstanceOf(CircuitBreaker.Permit.Probe.class);
        assertThat(b.tryAcquire(later)).isInstanceOf(CircuitBreaker.Permit.WaitUntil.class);

        b.probeAbandoned();

        assertThat(b.tryAcquire(later)).isInstanceOf(CircuitBreaker.Permit.Probe.class);
        assertThat(b.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
    }

    @Test
    void successResetsTheFailureCount() {
        CircuitBreaker b = new CircuitBreaker(2, Duration.ofSeconds(1), Duration.ofSeconds(1));
        b.onFailure(t0);
        b.onSuccess();
        b.onFailure(t0);
        assertThat(b.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    }
}

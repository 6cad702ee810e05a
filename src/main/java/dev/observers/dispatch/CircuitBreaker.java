package dev.observers.dispatch;

import java.time.Duration;
import java.time.Instant;

/**
 * Stops calling a target that keeps failing. After {@code threshold} consecutive transient failures
 * it opens for {@code openFor}; then one probe at a time is let through (half-open): a success closes
 * it, a failure opens it again for twice as long (capped). Callers wait while it is open; their
 * events are neither dropped nor dead-lettered for the breaker alone, and a failed probe is the
 * breaker's trial rather than the caller's, which is why it is told apart from an ordinary grant.
 * Pure: time is passed in.
 */
public final class CircuitBreaker {

    public enum State { CLOSED, OPEN, HALF_OPEN }

    /** The answer to "may I call now?": yes, yes as the half-open breaker's one probe, or not before {@code retryAt}. */
    public sealed interface Permit {
        /** The breaker is closed: an ordinary call. */
        record Granted() implements Permit {
        }

        /** The breaker is half-open and this call is its one probe; report how it ended. */
        record Probe() implements Permit {
        }

        record WaitUntil(Instant retryAt) implements Permit {
        }
    }

    private static final Permit GRANTED = new Permit.Granted();
    private static final Permit PROBE = new Permit.Probe();

    private final int threshold;
    private final Duration baseOpen;
    private final RetryPolicy openSchedule;
    private State state = State.CLOSED;
    private int consecutiveFailures;
    private int failedProbes;
    private Instant openUntil = Instant.MIN;
    private boolean probeInFlight;

    public CircuitBreaker(int threshold, Duration openFor, Duration maxOpen) {
        if (threshold < 1) {
            throw new IllegalArgumentException("threshold must be at least 1");
        }
        this.threshold = threshold;
        this.baseOpen = openFor;
        this.openSchedule = RetryPolicy.backoff(openFor, maxOpen);
    }

    public synchronized Permit tryAcquire(Instant now) {
        switch (state) {
            case CLOSED -> {
                return GRANTED;
            }
            case OPEN -> {
                if (now.isBefore(openUntil)) {
                    return new Permit.WaitUntil(openUntil);
                }
                state = State.HALF_OPEN;
                probeInFlight = true;
                return PROBE;
            }
            default -> {
                if (probeInFlight) {
                    return new Permit.WaitUntil(now.plusMillis(Math.max(10, Math.min(1_000, baseOpen.toMillis() / 10))));
                }
                probeInFlight = true;
                return PROBE;
            }
        }
    }

    /** The call succeeded, or failed in a way that says nothing about the target's health. */
    public synchronized void onSuccess() {
        state = State.CLOSED;
        consecutiveFailures = 0;
        probeInFlight = false;
        failedProbes = 0;
    }

    /** The call failed transiently (timeout, refused, 5xx). */
    public synchronized void onFailure(Instant now) {
        probeInFlight = false;
        if (state == State.HALF_OPEN) {
            failedProbes++;
            open(now);
            return;
        }
        consecutiveFailures++;
        if (consecutiveFailures >= threshold) {
            open(now);
        }
    }

    /**
     * A probe ended without an answer (its caller was interrupted): the next caller probes instead, so a
     * shutdown in the middle of a probe cannot leave the target waiting forever.
     */
    public synchronized void probeAbandoned() {
        probeInFlight = false;
    }

    public synchronized State state() {
        return state;
    }

    private void open(Instant now) {
        state = State.OPEN;
        openUntil = now.plus(openSchedule.delayAfter(failedProbes + 1, 0.5));
    }
}

package dev.observers.dispatch;

import java.time.Duration;

/**
 * How often and how patiently an action is retried (FraiseQL's {@code retry} block). Defaults:
 * 3 attempts, 100 ms initial delay, 30 s cap, exponential. The schedule is a pure function of the
 * attempt number and a jitter sample, so it is table-tested without clocks.
 */
public record RetryPolicy(int maxAttempts, long initialDelayMs, long maxDelayMs, BackoffStrategy strategy) {

    public static final RetryPolicy DEFAULT = new RetryPolicy(3, 100, 30_000, BackoffStrategy.EXPONENTIAL);

    /** Share of the delay that jitter may add or remove (±25 %, as FraiseQL). */
    public static final double JITTER = 0.25;

    /**
     * An endless exponential schedule from {@code initial} to {@code max}: how long to wait after the
     * n-th failure of something that is retried until it works (a database write, a Redis probe, a
     * breaker's next probe).
     */
    public static RetryPolicy backoff(Duration initial, Duration max) {
        return new RetryPolicy(Integer.MAX_VALUE, initial.toMillis(), Math.max(initial.toMillis(), max.toMillis()),
                BackoffStrategy.EXPONENTIAL);
    }

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("max_attempts must be at least 1, got " + maxAttempts);
        }
        if (initialDelayMs < 0) {
            throw new IllegalArgumentException("initial_delay_ms must not be negative, got " + initialDelayMs);
        }
        if (maxDelayMs < initialDelayMs) {
            throw new IllegalArgumentException("max_delay_ms (" + maxDelayMs + ") must be at least initial_delay_ms ("
                    + initialDelayMs + ")");
        }
    }

    /**
     * The wait before attempt {@code attempt + 1}, after attempt {@code attempt} (1-based) failed.
     *
     * @param jitterSample a uniform sample in [0, 1); 0.5 means no jitter
     */
    public Duration delayAfter(int attempt, double jitterSample) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt is 1-based, got " + attempt);
        }
        double base = switch (strategy) {
            case EXPONENTIAL -> initialDelayMs * Math.pow(2, Math.min(attempt - 1, 62));
            case LINEAR -> (double) initialDelayMs * attempt;
            case FIXED -> initialDelayMs;
        };
        double capped = Math.min(base, maxDelayMs);
        double jittered = capped * (1 + JITTER * (2 * jitterSample - 1));
        return Duration.ofMillis(Math.round(Math.min(jittered, maxDelayMs)));
    }

    /** Whether another attempt follows attempt {@code attempt} (1-based). */
    public boolean hasAttemptAfter(int attempt) {
        return attempt < maxAttempts;
    }
}

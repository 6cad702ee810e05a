package dev.observers.dispatch;

/** How the delay between attempts grows. */
public enum BackoffStrategy {
    /** initial × 2^(attempt-1), capped. */
    EXPONENTIAL,
    /** initial × attempt, capped. */
    LINEAR,
    /** always initial. */
    FIXED
}

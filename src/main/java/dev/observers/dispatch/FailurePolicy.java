package dev.observers.dispatch;

/** What happens to an action whose retries ran out (FraiseQL's {@code on_failure}). */
public enum FailurePolicy {
    /** Log the failure and move on (FraiseQL's default). */
    LOG,
    /** Log at error level and count it as an alert. */
    ALERT,
    /** Write it to the dead-letter table, from which it can be inspected and retried. */
    DLQ
}

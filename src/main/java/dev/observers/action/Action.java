package dev.observers.action;

import dev.observers.changelog.ChangeEvent;

/**
 * One configured action, ready to run. {@link #execute} may block and is then called on a virtual
 * thread (unless it is {@link #inline}), one attempt per call; the dispatcher owns timeouts (it interrupts the thread), retries,
 * circuit breaking and the dead-letter queue. An implementation must be safe to call concurrently.
 */
public interface Action {

    /** The action type, as in the definition file ({@code webhook}, {@code log}, …): a metrics label. */
    String type();

    /**
     * The circuit-breaker key: calls that share a failing dependency (a webhook host, the SMTP
     * server) share one; null when the action has no remote target worth breaking for.
     */
    default String target() {
        return null;
    }

    /**
     * True for an action that neither blocks nor waits on anything remote (writing a log line): it then
     * runs on the thread that dispatches the event, with no thread, timeout or concurrency slot of its
     * own, and only a failed attempt's retries move to a thread of their own.
     */
    default boolean inline() {
        return false;
    }

    /** Runs one attempt. Returns normally on success. */
    void execute(ChangeEvent event, Invocation invocation) throws ActionFailure, InterruptedException;
}

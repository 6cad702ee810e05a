package dev.observers.action;

import dev.observers.changelog.ChangeEvent;

/**
 * One configured action, ready to run. {@link #execute} is blocking and is called on a virtual
 * thread, one attempt per call; the dispatcher owns timeouts (it interrupts the thread), retries,
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

    /** Runs one attempt. Returns normally on success. */
    void execute(ChangeEvent event, Invocation invocation) throws ActionFailure, InterruptedException;
}

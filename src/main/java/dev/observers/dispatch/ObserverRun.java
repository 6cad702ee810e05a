package dev.observers.dispatch;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What one matched observer asks for one event: its actions, how to retry them, and what to do when
 * they fail for good. {@code gate}, when present, is settled in the event's lane before the actions
 * (lookups, then the condition). {@code refusal} is set instead when the observer could not be
 * evaluated (a condition error): then nothing runs and the failure policy applies to the reason.
 * {@code maxWait} is the observer's own bound on waiting for an open circuit breaker; empty leaves it
 * to the runner's default.
 */
public record ObserverRun(String observer, List<PlannedAction> actions, RetryPolicy retry, FailurePolicy onFailure,
                          Optional<String> refusal, Optional<Gate> gate, Optional<Duration> maxWait) {

    public static ObserverRun of(String observer, List<PlannedAction> actions, RetryPolicy retry, FailurePolicy onFailure) {
        return new ObserverRun(observer, List.copyOf(actions), retry, onFailure, Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    public static ObserverRun gated(String observer, List<PlannedAction> actions, RetryPolicy retry,
                                    FailurePolicy onFailure, Gate gate) {
        return new ObserverRun(observer, List.copyOf(actions), retry, onFailure, Optional.empty(), Optional.of(gate),
                Optional.empty());
    }

    public static ObserverRun refused(String observer, String reason, FailurePolicy onFailure) {
        return new ObserverRun(observer, List.of(), RetryPolicy.DEFAULT, onFailure, Optional.of(reason), Optional.empty(),
                Optional.empty());
    }

    /** The same run with only {@code remaining} of its actions. */
    public ObserverRun withActions(List<PlannedAction> remaining) {
        return new ObserverRun(observer, List.copyOf(remaining), retry, onFailure, refusal, gate, maxWait);
    }

    /** The same run with the observer's own bound on waiting for an open circuit breaker. */
    public ObserverRun withMaxWait(Optional<Duration> bound) {
        return new ObserverRun(observer, actions, retry, onFailure, refusal, gate, bound);
    }
}

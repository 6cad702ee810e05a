package dev.observers.dispatch;

import java.util.List;
import java.util.Optional;

/**
 * What one matched observer asks for one event: its actions, how to retry them, and what to do when
 * they fail for good. {@code gate}, when present, is settled in the event's lane before the actions
 * (lookups, then the condition). {@code refusal} is set instead when the observer could not be
 * evaluated (a condition error): then nothing runs and the failure policy applies to the reason.
 */
public record ObserverRun(String observer, List<PlannedAction> actions, RetryPolicy retry, FailurePolicy onFailure,
                          Optional<String> refusal, Optional<Gate> gate) {

    public static ObserverRun of(String observer, List<PlannedAction> actions, RetryPolicy retry, FailurePolicy onFailure) {
        return new ObserverRun(observer, List.copyOf(actions), retry, onFailure, Optional.empty(), Optional.empty());
    }

    public static ObserverRun gated(String observer, List<PlannedAction> actions, RetryPolicy retry,
                                    FailurePolicy onFailure, Gate gate) {
        return new ObserverRun(observer, List.copyOf(actions), retry, onFailure, Optional.empty(), Optional.of(gate));
    }

    public static ObserverRun refused(String observer, String reason, FailurePolicy onFailure) {
        return new ObserverRun(observer, List.of(), RetryPolicy.DEFAULT, onFailure, Optional.of(reason), Optional.empty());
    }

    /** The same run with only {@code remaining} of its actions. */
    public ObserverRun withActions(List<PlannedAction> remaining) {
        return new ObserverRun(observer, List.copyOf(remaining), retry, onFailure, refusal, gate);
    }
}

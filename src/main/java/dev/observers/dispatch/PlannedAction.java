package dev.observers.dispatch;

import dev.observers.action.Action;

import java.time.Duration;

/** One action of a matched observer, ready to run: its position in the observer's list and its timeout. */
public record PlannedAction(int index, Action action, Duration timeout) {
}

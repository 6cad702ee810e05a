package dev.observers.action;

import java.time.Instant;

/**
 * Facts about one attempt that an action passes on to its receiver.
 *
 * @param observer       the observer's name
 * @param attempt        1-based attempt number
 * @param idempotencyKey stable across retries and replays of the same action of the same event
 * @param deadline       when the dispatcher will interrupt the attempt
 */
public record Invocation(String observer, int attempt, String idempotencyKey, Instant deadline) {
}

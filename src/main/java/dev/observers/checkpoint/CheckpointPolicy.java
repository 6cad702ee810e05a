package dev.observers.checkpoint;

import java.time.Duration;

/**
 * When to write the checkpoint: after {@code batchSize} completed events or {@code interval},
 * whichever comes first. A larger batch trades replay work after a crash for fewer writes; it
 * never costs an event.
 */
public record CheckpointPolicy(int batchSize, Duration interval) {

    public boolean due(long completedSinceSave, Duration sinceSave) {
        return completedSinceSave >= batchSize || (completedSinceSave > 0 && sinceSave.compareTo(interval) >= 0);
    }

    /** How long until the interval rule fires, for a listener that sleeps until then at most. */
    public Duration untilIntervalDue(Duration sinceSave) {
        Duration left = interval.minus(sinceSave);
        return left.isNegative() ? Duration.ZERO : left;
    }
}

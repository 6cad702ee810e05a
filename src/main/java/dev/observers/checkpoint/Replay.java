package dev.observers.checkpoint;

import java.util.function.LongSupplier;

/**
 * Whether moving a listener's checkpoint to a new position is a replay, a skip, or nothing. Moving
 * back replays what lies between (the dedup window keeps done effects from repeating); moving
 * forward skips events never processed, so it happens only when forced. Pure, so the rule is tested
 * without a database.
 */
public final class Replay {

    /** What to do about the request. */
    public sealed interface Decision {
    }

    /** Write {@code to}; {@code skipsForward} when it passes over unprocessed events (forced). */
    public record Move(Position from, Position to, boolean skipsForward) implements Decision {
    }

    /** The checkpoint is already there. */
    public record Unchanged(Position at) implements Decision {
    }

    /** Refused; the reason says what would have happened and how to insist. */
    public record Refused(String reason) implements Decision {
    }

    private Replay() {
    }

    /**
     * @param skipped how many unprocessed events moving forward would pass over (only read when it does)
     */
    public static Decision decide(Position current, Position target, boolean force, LongSupplier skipped) {
        int order = target.compareTo(current);
        if (order == 0) {
            return new Unchanged(current);
        }
        if (order < 0) {
            return new Move(current, target, false);
        }
        if (!force) {
            return new Refused("the checkpoint is at " + current + ", before that row: moving it to " + target
                    + " would skip " + skipped.getAsLong() + " unprocessed event(s). Use --force to skip them");
        }
        return new Move(current, target, true);
    }
}

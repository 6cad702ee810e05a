package dev.observers.observer.condition;

/**
 * The result of evaluating a condition against one event. Three outcomes, as FraiseQL has them: an
 * {@link Error} never fires the observer, and it carries the reason so it can be reported or
 * dead-lettered instead of being mistaken for "false".
 */
public sealed interface Outcome {

    /** The condition holds: the observer fires. */
    Outcome TRUE = new True();

    /** The condition does not hold: the observer is skipped. */
    Outcome FALSE = new False();

    /** {@link #TRUE} or {@link #FALSE}. */
    static Outcome of(boolean holds) {
        return holds ? TRUE : FALSE;
    }

    /** The condition holds. */
    record True() implements Outcome {
        @Override
        public String toString() {
            return "true";
        }
    }

    /** The condition does not hold. */
    record False() implements Outcome {
        @Override
        public String toString() {
            return "false";
        }
    }

    /** The condition cannot be decided for this event (a missing field, a non-number ordered). */
    record Error(String reason) implements Outcome {
        @Override
        public String toString() {
            return "error: " + reason;
        }
    }
}

package dev.observers.dispatch;

import dev.observers.changelog.ChangeEvent;

/**
 * What an observer must settle in the event's lane before its actions run — enrichment lookups, then
 * its condition over their results — because it does I/O that must not hold up the listener.
 */
@FunctionalInterface
public interface Gate {

    /** The gate's answer for one event. */
    sealed interface Verdict {
    }

    /** Run the actions, on this (enriched) event. */
    record Fire(ChangeEvent event) implements Verdict {
    }

    /** The observer does not fire for this event. */
    record Skip() implements Verdict {
    }

    /** A dependency failed transiently (a lookup source); retried per the observer's policy. */
    record Unavailable(String reason) implements Verdict {
    }

    /** The observer cannot be decided for this event; goes to its failure policy. */
    record Refuse(String reason, String errorKind) implements Verdict {
    }

    Verdict check(ChangeEvent event) throws InterruptedException;
}

package dev.observers.dispatch;

/** Where dead letters are kept; the PostgreSQL table in production. */
public interface DeadLetterStore {

    /**
     * Records {@code letter}. Idempotent for the same (listener, row, observer, action) while it is
     * unresolved, so a replay after a crash does not duplicate it.
     */
    void add(DeadLetter letter);
}

package dev.observers.postgres;

/** A migration statement failed; the message names the file, the statement and the server's reason. */
public final class MigrationException extends RuntimeException {
    public MigrationException(String message, Throwable cause) {
        super(message, cause);
    }
}

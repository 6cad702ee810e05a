package dev.observers.dedup;

/** The dedup store (Redis) could not be reached; the message says why. */
public final class DedupUnavailableException extends RuntimeException {
    public DedupUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}

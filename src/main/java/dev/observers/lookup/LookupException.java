package dev.observers.lookup;

/**
 * A lookup could not produce its result for an event: its query failed, its HTTP source answered with
 * an error or not in time, or its request could not be built. Callers treat it as a transient failure
 * of the observer for that event; the message names the lookup and what went wrong, never a secret.
 */
public final class LookupException extends Exception {

    private final String lookup;
    private final String detail;

    public LookupException(String lookup, String message, Throwable cause) {
        super("lookup " + lookup + ": " + message, cause);
        this.lookup = lookup;
        this.detail = message;
    }

    public LookupException(String lookup, String message) {
        this(lookup, message, null);
    }

    /** The name of the lookup that failed. */
    public String lookup() {
        return lookup;
    }

    /** What went wrong, without the lookup's name. */
    public String detail() {
        return detail;
    }
}

package dev.observers.action;

/**
 * An action attempt failed. {@link Kind#TRANSIENT} failures are retried per the observer's policy;
 * {@link Kind#PERMANENT} ones go straight to the failure policy. Messages never contain secrets.
 */
public final class ActionFailure extends Exception {

    public enum Kind { TRANSIENT, PERMANENT }

    private final Kind kind;
    private final String errorType;

    /**
     * @param errorType a short, bounded label for metrics ({@code http_5xx}, {@code timeout}, {@code connect}, …)
     */
    public ActionFailure(Kind kind, String errorType, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.errorType = errorType;
    }

    public ActionFailure(Kind kind, String errorType, String message) {
        this(kind, errorType, message, null);
    }

    public static ActionFailure transientFailure(String errorType, String message) {
        return new ActionFailure(Kind.TRANSIENT, errorType, message);
    }

    public static ActionFailure permanent(String errorType, String message) {
        return new ActionFailure(Kind.PERMANENT, errorType, message);
    }

    public Kind kind() {
        return kind;
    }

    public String errorType() {
        return errorType;
    }

    public boolean isTransient() {
        return kind == Kind.TRANSIENT;
    }
}

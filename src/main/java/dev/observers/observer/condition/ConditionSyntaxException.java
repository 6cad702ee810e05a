package dev.observers.observer.condition;

/**
 * A condition text that cannot be parsed. Carries the 1-based column inside the text, so a loader
 * can point at the spot, and a reason that says what was expected there.
 */
public final class ConditionSyntaxException extends RuntimeException {

    private final int column;
    private final String reason;

    public ConditionSyntaxException(int column, String reason) {
        super("column " + column + ": " + reason);
        this.column = column;
        this.reason = reason;
    }

    /** 1-based column (UTF-16 position) inside the condition text. */
    public int column() {
        return column;
    }

    /** What was wrong, without the column: "expected ')' to close the '(' at column 3". */
    public String reason() {
        return reason;
    }
}

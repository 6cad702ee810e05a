package dev.observers.observer.condition;

import java.util.Arrays;
import java.util.Optional;

/** The six comparison operators of the condition language; the ordered four accept numbers only. */
public enum Operator {
    EQ("=="), NE("!="), GT(">"), LT("<"), GE(">="), LE("<=");

    private final String symbol;

    Operator(String symbol) {
        this.symbol = symbol;
    }

    /** As written in a condition. */
    public String symbol() {
        return symbol;
    }

    /** Whether the operator orders its operands (and so needs numbers). */
    public boolean ordered() {
        return this != EQ && this != NE;
    }

    /** The operator written as {@code symbol}, if it is one. */
    public static Optional<Operator> ofSymbol(String symbol) {
        return Arrays.stream(values()).filter(o -> o.symbol.equals(symbol)).findFirst();
    }

    /** Whether {@code comparison} (a compareTo result) satisfies this ordered operator. */
    boolean accepts(int comparison) {
        return switch (this) {
            case EQ -> comparison == 0;
            case NE -> comparison != 0;
            case GT -> comparison > 0;
            case LT -> comparison < 0;
            case GE -> comparison >= 0;
            case LE -> comparison <= 0;
        };
    }
}

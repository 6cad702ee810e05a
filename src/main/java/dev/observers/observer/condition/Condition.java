package dev.observers.observer.condition;

import dev.observers.changelog.ChangeEvent;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A parsed observer condition (FraiseQL's condition language), ready to evaluate against events
 * without re-parsing. Built by {@link ConditionParser#parse}; {@code &&} and {@code ||} chains are
 * kept flat, so the tree is only as deep as the text's parentheses and {@code !}.
 */
public sealed interface Condition {

    /** Evaluates this condition against {@code event}'s data (and, for field_changed*, its changes). */
    default Outcome evaluate(ChangeEvent event) {
        return Evaluator.evaluate(this, event);
    }

    /** The condition in canonical text form; parsing it gives an equal condition. */
    String text();

    /** {@code field op value}: compares a field of the event's data with a literal. */
    record Comparison(FieldPath field, Operator operator, Literal value) implements Condition {
        public String text() {
            return field.text() + " " + operator.symbol() + " " + value.source();
        }
    }

    /** {@code has_field('f')}: whether the event's data has the top-level key {@code f} (even if null). */
    record HasField(String field) implements Condition {
        public String text() {
            return "has_field(" + quote(field) + ")";
        }
    }

    /** {@code field_changed('f')}: whether an UPDATE changed the top-level field {@code f}. */
    record FieldChanged(String field) implements Condition {
        public String text() {
            return "field_changed(" + quote(field) + ")";
        }
    }

    /** {@code field_changed_to('f', v)}: an UPDATE changed {@code f}, and its new value equals {@code v}. */
    record FieldChangedTo(String field, Literal value) implements Condition {
        public String text() {
            return "field_changed_to(" + quote(field) + ", " + value.source() + ")";
        }
    }

    /** {@code field_changed_from('f', v)}: an UPDATE changed {@code f}, and its old value equals {@code v}. */
    record FieldChangedFrom(String field, Literal value) implements Condition {
        public String text() {
            return "field_changed_from(" + quote(field) + ", " + value.source() + ")";
        }
    }

    /** {@code !c}: true when {@code c} is false; an error stays an error. */
    record Not(Condition operand) implements Condition {
        public String text() {
            return "!" + grouped(operand);
        }
    }

    /** {@code a && b && …}: evaluated left to right, stopping at the first outcome that is not true. */
    record And(List<Condition> operands) implements Condition {
        public And {
            operands = List.copyOf(operands);
            if (operands.size() < 2) {
                throw new IllegalArgumentException("&& needs at least two operands");
            }
        }

        public String text() {
            return operands.stream().map(Condition::grouped).collect(Collectors.joining(" && "));
        }
    }

    /** {@code a || b || …}: evaluated left to right, stopping at the first outcome that is not false. */
    record Or(List<Condition> operands) implements Condition {
        public Or {
            operands = List.copyOf(operands);
            if (operands.size() < 2) {
                throw new IllegalArgumentException("|| needs at least two operands");
            }
        }

        public String text() {
            return operands.stream().map(Condition::grouped).collect(Collectors.joining(" || "));
        }
    }

    private static String grouped(Condition c) {
        return switch (c) {
            case And a -> "(" + a.text() + ")";
            case Or o -> "(" + o.text() + ")";
            default -> c.text();
        };
    }

    private static String quote(String field) {
        return "'" + field + "'";
    }
}

package dev.observers.observer.condition;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.observers.changelog.ChangeEvent;
import dev.observers.changelog.FieldChange;
import dev.observers.observer.condition.Condition.And;
import dev.observers.observer.condition.Condition.Comparison;
import dev.observers.observer.condition.Condition.FieldChanged;
import dev.observers.observer.condition.Condition.FieldChangedFrom;
import dev.observers.observer.condition.Condition.FieldChangedTo;
import dev.observers.observer.condition.Condition.HasField;
import dev.observers.observer.condition.Condition.Not;
import dev.observers.observer.condition.Condition.Or;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** FraiseQL's evaluation rules in one place: three outcomes, left-to-right short-circuit, numeric equality. */
final class Evaluator {

    private Evaluator() {
    }

    static Outcome evaluate(Condition condition, ChangeEvent event) {
        return switch (condition) {
            case Comparison c -> compare(c, event.data());
            case HasField h -> Outcome.of(event.data().has(h.field()));
            case FieldChanged f -> change(f.field(), event).map(change -> Outcome.TRUE)
                    .orElseGet(() -> withoutChange(f, event));
            case FieldChangedTo f -> change(f.field(), event)
                    .map(change -> Outcome.of(jsonEquals(change.after(), f.value().value())))
                    .orElseGet(() -> withoutChange(f, event));
            case FieldChangedFrom f -> change(f.field(), event)
                    .map(change -> Outcome.of(jsonEquals(change.before(), f.value().value())))
                    .orElseGet(() -> withoutChange(f, event));
            case Not n -> switch (evaluate(n.operand(), event)) {
                case Outcome.True t -> Outcome.FALSE;
                case Outcome.False f -> Outcome.TRUE;
                case Outcome.Error e -> e;
            };
            case And a -> {
                for (Condition operand : a.operands()) {
                    Outcome outcome = evaluate(operand, event);
                    if (!(outcome instanceof Outcome.True)) {
                        yield outcome;
                    }
                }
                yield Outcome.TRUE;
            }
            case Or o -> {
                for (Condition operand : o.operands()) {
                    Outcome outcome = evaluate(operand, event);
                    if (!(outcome instanceof Outcome.False)) {
                        yield outcome;
                    }
                }
                yield Outcome.FALSE;
            }
        };
    }

    private static Outcome compare(Comparison c, JsonNode data) {
        JsonNode actual = c.field().lookup(data);
        if (actual == null) {
            return new Outcome.Error("field '" + c.field().text() + "' is missing from the event data (in "
                    + c.text() + ")");
        }
        JsonNode expected = c.value().value();
        return switch (c.operator()) {
            case EQ -> Outcome.of(jsonEquals(actual, expected));
            case NE -> Outcome.of(!jsonEquals(actual, expected));
            case GT, LT, GE, LE -> {
                if (!actual.isNumber()) {
                    yield new Outcome.Error("'" + c.operator().symbol() + "' compares numbers, but field '"
                            + c.field().text() + "' is " + describe(actual) + " (in " + c.text() + ")");
                }
                if (!expected.isNumber()) {
                    yield new Outcome.Error("'" + c.operator().symbol() + "' compares numbers, but "
                            + c.value().source() + " is " + describe(expected) + " (in " + c.text() + ")");
                }
                Optional<BigDecimal> left = decimal(actual);
                Optional<BigDecimal> right = decimal(expected);
                if (left.isEmpty() || right.isEmpty()) {
                    yield new Outcome.Error("cannot order a non-finite number (in " + c.text() + ")");
                }
                yield Outcome.of(c.operator().accepts(left.get().compareTo(right.get())));
            }
        };
    }

    /**
     * The change of {@code field}, or empty when the field did not change; an UPDATE without a before
     * image has no answer, which the caller reports. INSERT, DELETE and CUSTOM events change nothing.
     */
    private static Optional<FieldChange> change(String field, ChangeEvent event) {
        if (!hasChangeInformation(event)) {
            return Optional.empty();
        }
        Map<String, FieldChange> changes = event.changes();
        if (changes != null) {
            return Optional.ofNullable(changes.get(field));
        }
        JsonNode before = orNull(event.before().get(field));
        JsonNode after = orNull(event.data().get(field));
        return jsonEquals(before, after) ? Optional.empty() : Optional.of(new FieldChange(before, after));
    }

    /** The outcome when no change of the field was found: false, or an error when the UPDATE cannot tell. */
    private static Outcome withoutChange(Condition condition, ChangeEvent event) {
        return hasChangeInformation(event) || !isUpdate(event)
                ? Outcome.FALSE
                : new Outcome.Error(condition.text() + " needs the row's before image, but this UPDATE has none"
                        + " (object_data_before is null)");
    }

    private static boolean isUpdate(ChangeEvent event) {
        return switch (event.kind()) {
            case UPDATE -> true;
            case INSERT, DELETE, CUSTOM -> false;
        };
    }

    private static boolean hasChangeInformation(ChangeEvent event) {
        return isUpdate(event)
                && (event.changes() != null || event.before() != null && event.before().isObject());
    }

    private static JsonNode orNull(JsonNode node) {
        return node == null ? NullNode.getInstance() : node;
    }

    /**
     * JSON equality where numbers compare by value ({@code 100.00} equals {@code 100}), objects by
     * their members in any order, arrays element by element, anything else by type and value.
     */
    static boolean jsonEquals(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            Optional<BigDecimal> x = decimal(a);
            Optional<BigDecimal> y = decimal(b);
            return x.isPresent() && y.isPresent() ? x.get().compareTo(y.get()) == 0 : a.equals(b);
        }
        if (a.isObject() && b.isObject()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (Map.Entry<String, JsonNode> member : a.properties()) {
                JsonNode other = b.get(member.getKey());
                if (other == null || !jsonEquals(member.getValue(), other)) {
                    return false;
                }
            }
            return true;
        }
        if (a.isArray() && b.isArray()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (int i = 0; i < a.size(); i++) {
                if (!jsonEquals(a.get(i), b.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    private static Optional<BigDecimal> decimal(JsonNode number) {
        if ((number.isDouble() || number.isFloat()) && !Double.isFinite(number.doubleValue())) {
            return Optional.empty();
        }
        return Optional.of(number.decimalValue());
    }

    private static String describe(JsonNode node) {
        return switch (node.getNodeType()) {
            case STRING -> "the string " + node;
            case BOOLEAN -> "the boolean " + node;
            case NULL -> "null";
            case OBJECT -> "an object";
            case ARRAY -> "an array";
            default -> node.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }
}

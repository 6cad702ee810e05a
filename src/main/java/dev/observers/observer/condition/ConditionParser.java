package dev.observers.observer.condition;

import dev.observers.observer.condition.Lexer.Kind;
import dev.observers.observer.condition.Lexer.Token;
import dev.observers.observer.condition.Lexer.Value;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses FraiseQL's condition language once, when a definition is loaded, so a mistake is refused
 * with its column before any event arrives. Grammar, loosest binding first:
 * <pre>
 * or      := and ('||' and)*
 * and     := unary ('&amp;&amp;' unary)*
 * unary   := '!' unary | primary
 * primary := '(' or ')' | name '(' value (',' value)* ')' | field op value
 * </pre>
 * Beyond FraiseQL (which refuses these texts, so none changes meaning): dotted field paths
 * ({@code customer.tier == gold}), unquoted function arguments and {@code _} inside unquoted values.
 * Stricter than FraiseQL's lexer, which lets them through: an unterminated quote, a function call
 * without its {@code )}, a comparison without a value.
 */
public final class ConditionParser {

    /** Longest condition text accepted, in UTF-8 bytes (FraiseQL's limit). */
    public static final int MAX_BYTES = 4096;

    /** Deepest nesting of {@code (} and {@code !} accepted. */
    public static final int MAX_DEPTH = 64;

    private final Lexer lexer;
    private Token current;

    private ConditionParser(String text) {
        this.lexer = new Lexer(text);
    }

    /**
     * The condition written in {@code text}.
     *
     * @throws ConditionSyntaxException when the text is empty, too long, too deeply nested or not a
     *                                  condition; it names the column and what was expected there
     */
    public static Condition parse(String text) {
        if (text == null || text.isBlank()) {
            throw new ConditionSyntaxException(1, "expected a condition, got an empty text");
        }
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_BYTES) {
            throw new ConditionSyntaxException(1, "expected at most " + MAX_BYTES + " bytes, got " + bytes);
        }
        ConditionParser parser = new ConditionParser(text);
        parser.advance();
        Condition condition = parser.or(0);
        if (parser.current.kind() != Kind.END) {
            throw parser.unexpected("'&&', '||' or the end of the condition");
        }
        return condition;
    }

    private Condition or(int depth) {
        List<Condition> operands = new ArrayList<>();
        operands.add(and(depth));
        while (current.kind() == Kind.OR) {
            advance();
            operands.add(and(depth));
        }
        return operands.size() == 1 ? operands.getFirst() : new Condition.Or(operands);
    }

    private Condition and(int depth) {
        List<Condition> operands = new ArrayList<>();
        operands.add(unary(depth));
        while (current.kind() == Kind.AND) {
            advance();
            operands.add(unary(depth));
        }
        return operands.size() == 1 ? operands.getFirst() : new Condition.And(operands);
    }

    private Condition unary(int depth) {
        if (current.kind() == Kind.NOT) {
            enter(depth + 1);
            advance();
            return new Condition.Not(unary(depth + 1));
        }
        return primary(depth);
    }

    private Condition primary(int depth) {
        return switch (current.kind()) {
            case LPAREN -> {
                Token open = current;
                enter(depth + 1);
                advance();
                Condition inner = or(depth + 1);
                if (current.kind() != Kind.RPAREN) {
                    throw unexpected("')' to close the '(' at column " + open.column());
                }
                advance();
                yield inner;
            }
            case NAME -> lexer.at('(') ? call(current) : comparison(current);
            default -> throw unexpected("a comparison, a function call, '!' or '('");
        };
    }

    private Condition comparison(Token field) {
        Token op = lexer.operator();
        if (op.text().isEmpty()) {
            throw new ConditionSyntaxException(lexer.column(), "expected a comparison operator (== != > < >= <=) or '('"
                    + " after '" + field.text() + "', got " + lexer.describeNext());
        }
        Operator operator = Operator.ofSymbol(op.text()).orElseThrow(() -> new ConditionSyntaxException(op.column(),
                "expected one of == != > < >= <=, got '" + op.text() + "'"));
        Value value = lexer.value();
        if (value.absent()) {
            throw new ConditionSyntaxException(value.column(), "expected a value after '" + op.text()
                    + "' (a number, true, false, null, a word or 'quoted text'), got " + lexer.describeNext());
        }
        advance();
        return new Condition.Comparison(FieldPath.parse(field.text()), operator,
                Literal.comparand(value.text(), value.source(), value.quoted()));
    }

    private Condition call(Token name) {
        int arity = switch (name.text()) {
            case "has_field", "field_changed" -> 1;
            case "field_changed_to", "field_changed_from" -> 2;
            default -> throw new ConditionSyntaxException(name.column(), "expected a function has_field,"
                    + " field_changed, field_changed_to or field_changed_from, got '" + name.text() + "'");
        };
        lexer.skip();
        List<Value> args = new ArrayList<>();
        if (lexer.at(')')) {
            lexer.skip();
        } else {
            while (true) {
                Value arg = lexer.value();
                if (arg.absent()) {
                    throw new ConditionSyntaxException(arg.column(), "expected an argument of " + name.text()
                            + " ('quoted text'), got " + lexer.describeNext());
                }
                args.add(arg);
                if (lexer.at(',')) {
                    lexer.skip();
                } else if (lexer.at(')')) {
                    lexer.skip();
                    break;
                } else {
                    throw new ConditionSyntaxException(lexer.column(), "expected ',' or ')' in the call of "
                            + name.text() + ", got " + lexer.describeNext());
                }
            }
        }
        if (args.size() != arity) {
            throw new ConditionSyntaxException(name.column(), "expected " + name.text() + " to have " + arity
                    + (arity == 1 ? " argument (a field name)" : " arguments (a field name and a value)")
                    + ", got " + args.size());
        }
        advance();
        String field = args.getFirst().text();
        return switch (name.text()) {
            case "has_field" -> new Condition.HasField(field);
            case "field_changed" -> new Condition.FieldChanged(field);
            case "field_changed_to" -> new Condition.FieldChangedTo(field, literal(args.get(1)));
            default -> new Condition.FieldChangedFrom(field, literal(args.get(1)));
        };
    }

    private static Literal literal(Value value) {
        return Literal.read(value.text(), value.source());
    }

    private void enter(int depth) {
        if (depth > MAX_DEPTH) {
            throw new ConditionSyntaxException(current.column(), "expected at most " + MAX_DEPTH
                    + " levels of nesting of '(' and '!', this is level " + depth);
        }
    }

    private void advance() {
        current = lexer.next();
    }

    private ConditionSyntaxException unexpected(String expected) {
        return new ConditionSyntaxException(current.column(), "expected " + expected + ", got " + current.describe());
    }
}

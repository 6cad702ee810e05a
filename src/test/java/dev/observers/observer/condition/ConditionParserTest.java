package dev.observers.observer.condition;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class ConditionParserTest {

    static Stream<Arguments> syntaxErrors() {
        return Stream.of(
                arguments("", 1, "expected a condition, got an empty text"),
                arguments("  \n ", 1, "expected a condition, got an empty text"),
                arguments("status", 7, "expected a comparison operator (== != > < >= <=) or '(' after 'status',"
                        + " got the end of the condition"),
                arguments("status = 1", 8, "expected one of == != > < >= <=, got '='"),
                arguments("status =< 1", 8, "expected one of == != > < >= <=, got '=<'"),
                arguments("status ==", 10, "expected a value after '=='"),
                arguments("status == !x", 11, "expected a value after '=='"),
                arguments("status == \"open\"", 11, "expected a value after '=='"),
                arguments("status == 'open", 16, "expected a closing ' for the quote opened at column 11"),
                arguments("a == 1 & b == 2", 8, "expected '&&', got a single '&'"),
                arguments("a == 1 | b == 2", 8, "expected '||', got a single '|'"),
                arguments("!= 1", 1, "expected a field name before '!='"),
                arguments("(a == 1", 8, "expected ')' to close the '(' at column 1, got the end of the condition"),
                arguments("((a == 1) || b == 2", 20, "expected ')' to close the '(' at column 1"),
                arguments("a == 1)", 7, "expected '&&', '||' or the end of the condition, got ')'"),
                arguments("a == 1 b == 2", 8, "expected '&&', '||' or the end of the condition, got 'b'"),
                arguments("a == 1 &&", 10, "expected a comparison, a function call, '!' or '(', got the end"),
                arguments("a == 1 && || b == 2", 11, "expected a comparison, a function call, '!' or '(', got '||'"),
                arguments("@@@", 1, "expected a comparison, a function call, '!' or '(', got '@'"),
                arguments("1 == a", 1, "expected a comparison, a function call, '!' or '(', got '1'"),
                arguments("'a' == a", 1, "got '''"),
                arguments("note == 'it''s'", 13, "expected '&&', '||' or the end of the condition, got '''"),
                arguments("true", 5, "expected a comparison operator"),
                arguments("customer. tier == 1", 9, "after 'customer', got '.'"),
                arguments("has_field('a'", 14, "expected ',' or ')' in the call of has_field, got the end"),
                arguments("has_field('a' 'b')", 15, "expected ',' or ')' in the call of has_field, got '''"),
                arguments("has_field('a',)", 15, "expected an argument of has_field ('quoted text'), got ')'"),
                arguments("has_field()", 1, "expected has_field to have 1 argument (a field name), got 0"),
                arguments("has_field('a', 'b')", 1, "expected has_field to have 1 argument (a field name), got 2"),
                arguments("field_changed()", 1, "expected field_changed to have 1 argument"),
                arguments("field_changed_to('a')", 1, "expected field_changed_to to have 2 arguments (a field name and"
                        + " a value), got 1"),
                arguments("field_changed_from('a', 'b', 'c')", 1, "expected field_changed_from to have 2 arguments"),
                arguments("a == 1 && status_changed_to('x')", 11, "expected a function has_field, field_changed,"
                        + " field_changed_to or field_changed_from, got 'status_changed_to'"),
                arguments("customer.has_field('x')", 1, "got 'customer.has_field'"));
    }

    @ParameterizedTest(name = "[{0}] at column {1}")
    @MethodSource("syntaxErrors")
    void refusesMalformedTextNamingTheColumnAndWhatWasExpected(String text, int column, String reason) {
        assertThatThrownBy(() -> ConditionParser.parse(text))
                .isInstanceOfSatisfying(ConditionSyntaxException.class, e -> {
                    assertThat(e.reason()).contains(reason);
                    assertThat(e.column()).isEqualTo(column);
                    assertThat(e.getMessage()).isEqualTo("column " + column + ": " + e.reason());
                });
    }

    @Test
    void acceptsSixtyFourLevelsOfNestingAndRefusesTheSixtyFifth() {
        assertThat(ConditionParser.parse("(".repeat(64) + "a == 1" + ")".repeat(64)))
                .isInstanceOf(Condition.Comparison.class);
        assertThat(ConditionParser.parse("!".repeat(64) + "has_field('a')")).isInstanceOf(Condition.Not.class);
        assertThat(ConditionParser.parse("(!".repeat(32) + "a == 1" + ")".repeat(32))).isNotNull();

        assertThatThrownBy(() -> ConditionParser.parse("(".repeat(65) + "a == 1" + ")".repeat(65)))
                .isInstanceOfSatisfying(ConditionSyntaxException.class, e -> {
                    assertThat(e.column()).isEqualTo(65);
                    assertThat(e.reason()).isEqualTo("expected at most 64 levels of nesting of '(' and '!', this is"
                            + " level 65");
                });
        assertThatThrownBy(() -> ConditionParser.parse("!".repeat(65) + "has_field('a')"))
                .isInstanceOf(ConditionSyntaxException.class);
        assertThatThrownBy(() -> ConditionParser.parse("(!".repeat(33) + "a == 1" + ")".repeat(33)))
                .isInstanceOf(ConditionSyntaxException.class);
    }

    @Test
    void longAndOrChainsAreNotNesting() {
        String chain = String.join(" && ", java.util.Collections.nCopies(300, "a == 1"));
        assertThat(ConditionParser.parse(chain)).isInstanceOfSatisfying(Condition.And.class,
                and -> assertThat(and.operands()).hasSize(300));
    }

    @Test
    void refusesMoreThan4096BytesCountingUtf8NotCharacters() {
        String fits = "a == '" + "é".repeat(2044) + "'";
        assertThat(fits.getBytes(java.nio.charset.StandardCharsets.UTF_8)).hasSize(4095);
        assertThat(ConditionParser.parse(fits)).isInstanceOf(Condition.Comparison.class);

        String tooLong = "a == '" + "é".repeat(2045) + "'";
        assertThat(tooLong).hasSizeLessThan(4096);
        assertThatThrownBy(() -> ConditionParser.parse(tooLong))
                .isInstanceOfSatisfying(ConditionSyntaxException.class, e -> {
                    assertThat(e.column()).isEqualTo(1);
                    assertThat(e.reason()).isEqualTo("expected at most 4096 bytes, got 4097");
                });
    }

    @Test
    void andBindsTighterThanOrAndChainsStayFlat() {
        Condition c = ConditionParser.parse("a == 1 || b == 2 && c == 3 && !d == 4 || e == 5");
        assertThat(c).isInstanceOfSatisfying(Condition.Or.class, or -> {
            assertThat(or.operands()).hasSize(3);
            assertThat(or.operands().get(1)).isInstanceOfSatisfying(Condition.And.class,
                    and -> assertThat(and.operands()).hasSize(3)
                            .last().isInstanceOf(Condition.Not.class));
        });
    }

    @Test
    void buildsTheTreeOfEachConstruct() {
        assertThat(ConditionParser.parse("total >= 100")).isEqualTo(new Condition.Comparison(
                new FieldPath(List.of("total")), Operator.GE, new Literal("100", IntNode.valueOf(100))));
        assertThat(ConditionParser.parse("customer.tier=='gold'")).isEqualTo(new Condition.Comparison(
                new FieldPath(List.of("customer", "tier")), Operator.EQ, new Literal("'gold'", TextNode.valueOf("gold"))));
        assertThat(ConditionParser.parse("status == in_transit")).isEqualTo(new Condition.Comparison(
                new FieldPath(List.of("status")), Operator.EQ,
                new Literal("in_transit", TextNode.valueOf("in_transit"))));
        assertThat(ConditionParser.parse("has_field ( 'a b' )")).isEqualTo(new Condition.HasField("a b"));
        assertThat(ConditionParser.parse("field_changed('status')")).isEqualTo(new Condition.FieldChanged("status"));
        assertThat(ConditionParser.parse("field_changed_to('qty', '5')")).isEqualTo(
                new Condition.FieldChangedTo("qty", new Literal("'5'", IntNode.valueOf(5))));
        assertThat(ConditionParser.parse("field_changed_from('s',x)")).isEqualTo(
                new Condition.FieldChangedFrom("s", new Literal("x", TextNode.valueOf("x"))));
        assertThat(ConditionParser.parse("has_field == 1")).isInstanceOf(Condition.Comparison.class);
    }

    @Test
    void quotedTextHasNoEscapes() {
        assertThat(ConditionParser.parse("path == 'C:\\temp\\n'")).isInstanceOfSatisfying(Condition.Comparison.class,
                c -> assertThat(c.value().value()).isEqualTo(TextNode.valueOf("C:\\temp\\n")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a == 1", "!(a == 1 || b != 'x y') && has_field('c')",
            "field_changed_to('s', 'shipped') || field_changed_from('s', 5) && x.y <= -1.5e3",
            "((a > 1 && b < 2) || !c >= 3) && d == null"})
    void canonicalTextParsesBackToTheSameCondition(String text) {
        Condition parsed = ConditionParser.parse(text);
        assertThat(ConditionParser.parse(parsed.text())).isEqualTo(parsed);
    }
}

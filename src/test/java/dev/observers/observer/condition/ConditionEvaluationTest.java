package dev.observers.observer.condition;

import dev.observers.changelog.ChangeEvent;
import dev.observers.observer.TestEvents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class ConditionEvaluationTest {

    private static final ChangeEvent ORDER = TestEvents.insert("Order", """
            {"status": "shipped", "total": 100.00, "qty": 5, "note": "", "flag": true, "nothing": null,
             "code": "100", "version": "1.2.3", "big": 9007199254740993, "größe": 3, "neg": -2.5,
             "customer": {"address": {"city": "Lyon"}, "tier": "gold"}, "tags": ["a", "b"]}""");

    static Stream<Arguments> comparisons() {
        return Stream.of(
                // bare words are strings, never fields
                arguments("status == shipped", "true"),
                arguments("status == 'shipped'", "true"),
                arguments("status != shipped", "false"),
                arguments("status == Shipped", "false"),
                arguments("status == total", "false"),
                // numbers compare by value
                arguments("total == 100", "true"),
                arguments("total == 100.0", "true"),
                arguments("total == 1e2", "true"),
                arguments("total != 100", "false"),
                arguments("total > 99.99", "true"),
                arguments("total >= 100", "true"),
                arguments("total < 100", "false"),
                arguments("total <= 100", "true"),
                arguments("qty > 4", "true"),
                arguments("qty<6", "true"),
                arguments("neg < -2", "true"),
                arguments("neg >= -2.5", "true"),
                arguments("big == 9007199254740993", "true"),
                arguments("big == 9007199254740992", "false"),
                // a quoted comparison value is a string, a bare one JSON first (FraiseQL #843)
                arguments("code == '100'", "true"),
                arguments("code == 100", "false"),
                arguments("code != '100'", "false"),
                arguments("total == '100'", "false"),
                arguments("total != '100'", "true"),
                arguments("qty == '5'", "false"),
                arguments("code == '\"100\"'", "false"),
                arguments("flag == true", "true"),
                arguments("flag == 'true'", "false"),
                arguments("flag == yes", "false"),
                arguments("nothing == null", "true"),
                arguments("nothing != null", "false"),
                arguments("note == ''", "true"),
                arguments("version == 1.2.3", "true"),
                arguments("tags == '[\"a\", \"b\"]'", "false"),
                arguments("customer == '{\"tier\": \"gold\", \"address\": {\"city\": \"Lyon\"}}'", "false"),
                arguments("größe == 3", "true"),
                arguments("status == 'a && b'", "false"),
                // dotted paths reach into nested objects
                arguments("customer.tier == gold", "true"),
                arguments("customer.address.city == Lyon", "true"),
                arguments("customer.tier != gold", "false"),
                // errors
                arguments("missing == 1", "error"),
                arguments("missing != 1", "error"),
                arguments("missing == null", "error"),
                arguments("customer.missing == 1", "error"),
                arguments("status.length == 7", "error"),
                arguments("status > 5", "error"),
                arguments("total > abc", "error"),
                arguments("status > shipped", "error"),
                arguments("nothing < 1", "error"),
                arguments("flag >= true", "error"),
                arguments("total > null", "error"));
    }

    @ParameterizedTest(name = "{0} is {1}")
    @MethodSource("comparisons")
    void comparesFieldsOfTheEventData(String condition, String expected) {
        assertThat(kind(ConditionParser.parse(condition).evaluate(ORDER))).isEqualTo(expected);
    }

    static Stream<Arguments> logic() {
        return Stream.of(
                arguments("has_field('status')", "true"),
                arguments("has_field('nothing')", "true"),
                arguments("has_field('missing')", "false"),
                arguments("has_field(status)", "true"),
                arguments("has_field('customer.tier')", "false"),
                arguments("!has_field('missing')", "true"),
                arguments("!!has_field('missing')", "false"),
                arguments("!status == shipped", "false"),
                arguments("!(missing == 1)", "error"),
                arguments("status == shipped && qty == 5", "true"),
                arguments("status == shipped && qty == 6", "false"),
                arguments("status == other || qty == 5", "true"),
                arguments("status == other || qty == 6", "false"),
                // && binds tighter than ||
                arguments("status == other && qty == 5 || total == 100", "true"),
                arguments("status == shipped || qty == 0 && missing == 1", "true"),
                arguments("(status == shipped || qty == 0) && missing == 1", "error"),
                // short-circuit, left to right
                arguments("status == other && missing == 1", "false"),
                arguments("missing == 1 && status == other", "error"),
                arguments("status == shipped && missing == 1", "error"),
                arguments("status == shipped || missing == 1", "true"),
                arguments("missing == 1 || status == shipped", "error"),
                arguments("status == other || missing == 1", "error"),
                arguments("qty == 5 && (status == other || total > 99) && !has_field('gone')", "true"));
    }

    @ParameterizedTest(name = "{0} is {1}")
    @MethodSource("logic")
    void combinesOutcomesLeftToRightStoppingEarly(String condition, String expected) {
        assertThat(kind(ConditionParser.parse(condition).evaluate(ORDER))).isEqualTo(expected);
    }

    private static final ChangeEvent SHIPPED = TestEvents.update("Order",
            """
            {"status": "pending", "qty": 5, "n": 1, "tags": ["a"]}""",
            """
            {"status": "shipped", "qty": 5, "n": 2, "note": "x", "tags": ["a", "b"]}""");

    private static final ChangeEvent SHIPPED_NO_DIFF = TestEvents.updateWithoutDiff("Order",
            """
            {"status": "pending", "qty": 5, "n": 1, "tags": ["a"]}""",
            """
            {"status": "shipped", "qty": 5.0, "n": 2, "note": "x", "tags": ["a", "b"]}""");

    static Stream<Arguments> changes() {
        return Stream.of(
                arguments("field_changed('status')", "true"),
                arguments("field_changed('qty')", "false"),
                arguments("field_changed('missing')", "false"),
                arguments("field_changed('note')", "true"),
                arguments("field_changed('tags')", "true"),
                arguments("field_changed_to('status', 'shipped')", "true"),
                arguments("field_changed_to('status', shipped)", "true"),
                arguments("field_changed_to('status', 'pending')", "false"),
                arguments("field_changed_from('status', 'pending')", "true"),
                arguments("field_changed_from('status', 'shipped')", "false"),
                arguments("field_changed_to('qty', '5')", "false"),
                arguments("field_changed_to('n', '2')", "true"),
                arguments("field_changed_to('n', 2.0)", "true"),
                arguments("field_changed_from('n', '1')", "true"),
                arguments("field_changed_from('note', 'null')", "true"),
                arguments("field_changed_to('tags', '[\"a\",\"b\"]')", "true"),
                arguments("field_changed_to('status', 'shipped') && qty > 4", "true"));
    }

    @ParameterizedTest(name = "{0} is {1}")
    @MethodSource("changes")
    void readsTheFieldDiffOfAnUpdate(String condition, String expected) {
        assertThat(kind(ConditionParser.parse(condition).evaluate(SHIPPED))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} is {1}")
    @MethodSource("changes")
    void comparesTheBeforeImageWhenAnUpdateCarriesNoDiff(String condition, String expected) {
        assertThat(kind(ConditionParser.parse(condition).evaluate(SHIPPED_NO_DIFF))).isEqualTo(expected);
    }

    static Stream<Arguments> eventsWithoutChanges() {
        String data = """
                {"status": "shipped"}""";
        return Stream.of(
                arguments("INSERT", TestEvents.insert("Order", data)),
                arguments("DELETE", TestEvents.delete("Order", data)),
                arguments("CUSTOM", TestEvents.custom("Order", data)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eventsWithoutChanges")
    void fieldChangedIsFalseForInsertDeleteAndCustom(String kind, ChangeEvent event) {
        for (String condition : new String[] {"field_changed('status')", "field_changed_to('status', 'shipped')",
                "field_changed_from('status', 'shipped')"}) {
            assertThat(ConditionParser.parse(condition).evaluate(event)).as(condition).isEqualTo(Outcome.FALSE);
        }
    }

    @Test
    void fieldChangedOnAnUpdateWithoutBeforeImageIsAnErrorThatSaysSo() {
        ChangeEvent event = TestEvents.updateWithoutBefore("Order", """
                {"status": "shipped"}""");
        for (String condition : new String[] {"field_changed('status')", "field_changed_to('status', 'shipped')",
                "field_changed_from('status', 'pending')", "!field_changed('status')"}) {
            assertThat(ConditionParser.parse(condition).evaluate(event)).as(condition)
                    .isInstanceOfSatisfying(Outcome.Error.class,
                            e -> assertThat(e.reason()).contains("before image", "object_data_before"));
        }
        assertThat(ConditionParser.parse("has_field('status') || field_changed('status')").evaluate(event))
                .isEqualTo(Outcome.TRUE);
    }

    @Test
    void aDeleteIsJudgedOnItsBeforeImage() {
        ChangeEvent event = TestEvents.delete("Order", """
                {"status": "cancelled", "total": 12}""");
        assertThat(ConditionParser.parse("status == cancelled && total < 20").evaluate(event)).isEqualTo(Outcome.TRUE);
    }

    @Test
    void errorsNameTheFieldAndTheComparison() {
        assertThat(ConditionParser.parse("missing != 1").evaluate(ORDER))
                .isEqualTo(new Outcome.Error("field 'missing' is missing from the event data (in missing != 1)"));
        assertThat(ConditionParser.parse("status > 5").evaluate(ORDER))
                .isEqualTo(new Outcome.Error("'>' compares numbers, but field 'status' is the string \"shipped\""
                        + " (in status > 5)"));
        assertThat(ConditionParser.parse("total > abc").evaluate(ORDER))
                .isEqualTo(new Outcome.Error("'>' compares numbers, but abc is the string \"abc\" (in total > abc)"));
    }

    @Test
    void functionArgumentsAreReadAsJsonFirstQuotedOrNot() {
        ChangeEvent event = TestEvents.update("Order", """
                {"total": 50.00, "code": "99"}""", """
                {"total": 100.00, "code": "100"}""");
        assertThat(ConditionParser.parse("field_changed_to('total', '100')").evaluate(event)).isEqualTo(Outcome.TRUE);
        assertThat(ConditionParser.parse("field_changed_to('code', '100')").evaluate(event)).isEqualTo(Outcome.FALSE);
        assertThat(ConditionParser.parse("field_changed_to('code', '\"100\"')").evaluate(event)).isEqualTo(Outcome.TRUE);
        assertThat(ConditionParser.parse("code == '100' && total == 100").evaluate(event)).isEqualTo(Outcome.TRUE);
    }

    private static String kind(Outcome outcome) {
        return switch (outcome) {
            case Outcome.True t -> "true";
            case Outcome.False f -> "false";
            case Outcome.Error e -> "error";
        };
    }
}

package dev.observers.observer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.observers.action.ActionConfig;
import dev.observers.changelog.EventKind;
import dev.observers.dispatch.FailurePolicy;
import dev.observers.dispatch.RetryPolicy;
import dev.observers.observer.condition.Condition;
import dev.observers.observer.condition.ConditionParser;
import dev.observers.observer.condition.Outcome;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ObserverIndexTest {

    @Test
    void findsTheObserversOfTheEventsEntityAndKindPlusTheWildcardOnesInDefinitionOrder() {
        ObserverIndex index = new ObserverIndex(List.of(
                observer("any_insert", "*", Set.of(EventKind.INSERT), null),
                observer("order_insert", "Order", Set.of(EventKind.INSERT), null),
                observer("order_update", "Order", Set.of(EventKind.UPDATE), null),
                observer("user_insert", "User", Set.of(EventKind.INSERT), null),
                observer("order_any", "Order", Set.of(EventKind.values()), null),
                observer("any_any", "*", Set.of(EventKind.values()), null)));

        assertThat(names(index.match(TestEvents.insert("Order", "{}"))))
                .containsExactly("any_insert", "order_insert", "order_any", "any_any");
        assertThat(names(index.match(EventKind.UPDATE, "Order"))).containsExactly("order_update", "order_any", "any_any");
        assertThat(names(index.match(EventKind.DELETE, "User"))).containsExactly("any_any");
        assertThat(names(index.match(EventKind.INSERT, "order"))).as("entity types are case-sensitive")
                .containsExactly("any_insert", "any_any");
        assertThat(names(index.match(EventKind.INSERT, "*"))).containsExactly("any_insert", "any_any");
        assertThat(index.size()).isEqualTo(6);
    }

    @Test
    void observersOfOtherEntitiesAreNeverConsulted() {
        List<ObserverDefinition> definitions = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            definitions.add(observer("other_" + i, "Other" + i, Set.of(EventKind.INSERT), "tier == gold"));
        }
        definitions.add(observer("gold_orders", "Order", Set.of(EventKind.INSERT), "tier == gold"));
        definitions.add(observer("order_updates", "Order", Set.of(EventKind.UPDATE), "tier == gold"));
        definitions.add(observer("big_anything", "*", Set.of(EventKind.INSERT), "tier == gold"));
        ObserverIndex index = new ObserverIndex(definitions);

        AtomicInteger reads = new AtomicInteger();
        ObjectNode data = new ObjectNode(JsonNodeFactory.instance) {
            @Override
            public JsonNode get(String name) {
                reads.incrementAndGet();
                return super.get(name);
            }
        };
        data.put("tier", "gold");

        List<ObserverIndex.Evaluation> evaluations = index.evaluate(TestEvents.insert("Order", data));

        assertThat(evaluations).extracting(e -> e.observer().name(), ObserverIndex.Evaluation::outcome)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("gold_orders", Outcome.TRUE),
                        org.assertj.core.groups.Tuple.tuple("big_anything", Outcome.TRUE));
        assertThat(reads).as("one field read per evaluated condition").hasValue(2);
    }

    @Test
    void evaluationKeepsErrorsAndFalsesForTheCallerToReport() {
        ObserverIndex index = new ObserverIndex(List.of(
                observer("needs_total", "Order", Set.of(EventKind.INSERT), "total > 10"),
                observer("unconditional", "Order", Set.of(EventKind.INSERT), null),
                observer("small", "Order", Set.of(EventKind.INSERT), "qty > 10")));

        List<ObserverIndex.Evaluation> evaluations = index.evaluate(TestEvents.insert("Order", "{\"qty\": 1}"));

        assertThat(evaluations).extracting(ObserverIndex.Evaluation::outcome).containsExactly(
                new Outcome.Error("field 'total' is missing from the event data (in total > 10)"),
                Outcome.TRUE,
                Outcome.FALSE);
    }

    @Test
    void refusesTwoObserversWithOneName() {
        assertThatThrownBy(() -> new ObserverIndex(List.of(
                observer("dup", "Order", Set.of(EventKind.INSERT), null),
                observer("dup", "User", Set.of(EventKind.INSERT), null))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("observer 'dup' is defined twice: at test:dup and at test:dup");
    }

    private static ObserverDefinition observer(String name, String entity, Set<EventKind> kinds, String condition) {
        Optional<Condition> parsed = Optional.ofNullable(condition).map(ConditionParser::parse);
        return new ObserverDefinition(name, kinds, entity, parsed, Optional.ofNullable(condition),
                List.of(new ActionConfig.Log("info", "x", OptionalLong.empty())), RetryPolicy.DEFAULT,
                FailurePolicy.LOG, "test:" + name);
    }

    private static List<String> names(List<ObserverDefinition> observers) {
        return observers.stream().map(ObserverDefinition::name).toList();
    }
}

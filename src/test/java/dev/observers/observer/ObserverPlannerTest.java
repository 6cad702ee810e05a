package dev.observers.observer;

import dev.observers.action.Action;
import dev.observers.action.ActionConfig;
import dev.observers.changelog.ChangeEvent;
import dev.observers.changelog.EventKind;
import dev.observers.dispatch.FailurePolicy;
import dev.observers.dispatch.ObserverRun;
import dev.observers.dispatch.RetryPolicy;
import dev.observers.observer.condition.ConditionParser;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ObserverPlannerTest {

    private static ObserverDefinition observer(String name, String condition, Optional<Duration> maxWait) {
        return new ObserverDefinition(name, Set.of(EventKind.INSERT), "Order",
                Optional.of(ConditionParser.parse(condition)), Optional.of(condition), List.of(),
                List.of(new ActionConfig.Log("info", "x", OptionalLong.empty())), RetryPolicy.DEFAULT,
                FailurePolicy.DLQ, maxWait, "test:" + name);
    }

    @Test
    void everyRunCarriesItsObserversBreakerWaitBound() {
        ObserverPlanner planner = new ObserverPlanner(List.of(
                observer("fires", "total > 10", Optional.of(Duration.ofMillis(250))),
                observer("refused", "missing > 10", Optional.of(Duration.ofSeconds(3))),
                observer("unbounded", "total > 10", Optional.empty())),
                config -> new Action() {
                    public String type() {
                        return config.type();
                    }

                    public void execute(ChangeEvent event, dev.observers.action.Invocation invocation) {
                    }
                }, Duration.ofSeconds(30), () -> {
                    throw new AssertionError("no observer has lookups");
                });

        List<ObserverRun> runs = planner.plan(TestEvents.insert("Order", "{\"total\": 12}"));

        assertThat(runs).extracting(ObserverRun::observer, r -> r.refusal().isPresent(), ObserverRun::maxWait)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("fires", false, Optional.of(Duration.ofMillis(250))),
                        org.assertj.core.groups.Tuple.tuple("refused", true, Optional.of(Duration.ofSeconds(3))),
                        org.assertj.core.groups.Tuple.tuple("unbounded", false, Optional.empty()));
    }
}

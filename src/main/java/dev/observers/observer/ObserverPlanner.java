package dev.observers.observer;

import dev.observers.action.ActionConfig;
import dev.observers.action.ActionFactory;
import dev.observers.changelog.ChangeEvent;
import dev.observers.dispatch.EventPlanner;
import dev.observers.dispatch.Gate;
import dev.observers.lookup.LookupException;
import dev.observers.lookup.Lookups;
import dev.observers.dispatch.ObserverRun;
import dev.observers.dispatch.PlannedAction;
import dev.observers.observer.condition.Outcome;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One set of observers, compiled: each action built once, matching by index lookup; an observer with
 * lookups is planned with a gate that resolves them and evaluates its condition in the event's lane.
 * Immutable, so a
 * reload builds a new planner and swaps it in while events already planned keep the old one's runs.
 */
public final class ObserverPlanner implements EventPlanner {

    private final ObserverIndex index;
    private final Map<String, List<PlannedAction>> actionsByObserver = new HashMap<>();
    private final Lookups lookups;

    /**
     * @throws IllegalArgumentException naming the observer and action that cannot be built here
     */
    public ObserverPlanner(List<ObserverDefinition> definitions, ActionFactory factory, Duration defaultTimeout,
                           Supplier<Lookups> lookups) {
        this.index = new ObserverIndex(definitions);
        this.lookups = definitions.stream().anyMatch(d -> !d.lookups().isEmpty()) ? lookups.get() : null;
        for (ObserverDefinition d : definitions) {
            List<PlannedAction> planned = new ArrayList<>();
            for (int i = 0; i < d.actions().size(); i++) {
                ActionConfig config = d.actions().get(i);
                try {
                    planned.add(new PlannedAction(i, factory.create(config),
                            config.timeoutMs().isPresent() ? Duration.ofMillis(config.timeoutMs().getAsLong())
                                    : defaultTimeout));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(d.origin() + ": observer " + d.name() + ", action " + i + " ("
                            + config.type() + "): " + e.getMessage(), e);
                }
            }
            actionsByObserver.put(d.name(), List.copyOf(planned));
        }
    }

    @Override
    public List<ObserverRun> plan(ChangeEvent event) {
        List<ObserverDefinition> matched = index.match(event);
        if (matched.isEmpty()) {
            return List.of();
        }
        List<ObserverRun> runs = new ArrayList<>(matched.size());
        for (ObserverDefinition d : matched) {
            run(d, event).ifPresent(runs::add);
        }
        return runs;
    }

    /** What {@code d} runs for {@code event}: gated when it has lookups, else decided here; empty when it does not fire. */
    private Optional<ObserverRun> run(ObserverDefinition d, ChangeEvent event) {
        return decide(d, event).map(run -> run.withMaxWait(d.maxWait()));
    }

    private Optional<ObserverRun> decide(ObserverDefinition d, ChangeEvent event) {
        if (!d.lookups().isEmpty()) {
            return Optional.of(ObserverRun.gated(d.name(), actionsByObserver.get(d.name()), d.retry(), d.onFailure(),
                    e -> gate(d, e)));
        }
        return switch (d.evaluate(event)) {
            case Outcome.True t -> Optional.of(ObserverRun.of(d.name(), actionsByObserver.get(d.name()), d.retry(),
                    d.onFailure()));
            case Outcome.False f -> Optional.empty();
            case Outcome.Error(String reason) -> Optional.of(ObserverRun.refused(d.name(),
                    "condition '" + d.conditionSource().orElse("") + "' cannot be evaluated: " + reason, d.onFailure()));
        };
    }

    /** Lookups first, then the condition over the enriched event: run in the event's lane, not here. */
    private Gate.Verdict gate(ObserverDefinition d, ChangeEvent event) {
        ChangeEvent enriched;
        try {
            enriched = Lookups.withResults(event, lookups.resolve(event, d.lookups()));
        } catch (LookupException e) {
            return new Gate.Unavailable(e.getMessage());
        }
        return switch (d.evaluate(enriched)) {
            case Outcome.True t -> new Gate.Fire(enriched);
            case Outcome.False f -> new Gate.Skip();
            case Outcome.Error(String reason) -> new Gate.Refuse("condition '" + d.conditionSource().orElse("")
                    + "' cannot be evaluated: " + reason, "condition_error");
        };
    }

    public int size() {
        return actionsByObserver.size();
    }

    /** The names of its observers, in name order: one subscription each. */
    public List<String> observers() {
        return actionsByObserver.keySet().stream().sorted().toList();
    }

    /** A planner for observer {@code name} alone (nothing when this set has no such observer). */
    public EventPlanner only(String name) {
        return event -> {
            for (ObserverDefinition d : index.match(event)) {
                if (d.name().equals(name)) {
                    return run(d, event).map(List::of).orElse(List.of());
                }
            }
            return List.of();
        };
    }
}

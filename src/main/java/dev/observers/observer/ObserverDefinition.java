package dev.observers.observer;

import dev.observers.action.ActionConfig;
import dev.observers.changelog.ChangeEvent;
import dev.observers.changelog.EventKind;
import dev.observers.dispatch.FailurePolicy;
import dev.observers.dispatch.RetryPolicy;
import dev.observers.lookup.LookupDefinition;
import dev.observers.observer.condition.Condition;
import dev.observers.observer.condition.Outcome;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One observer, checked and compiled: which events it watches, the condition they must meet, and the
 * actions to run with their retry and failure policy (FraiseQL's ObserverDefinition). Loaded from a
 * file by {@link ObserverFileLoader} or from FraiseQL's {@code tb_observer} by {@link TbObserverLoader}.
 *
 * @param name            unique among the daemon's observers; part of every idempotency key
 * @param eventTypes      the kinds it watches, never empty
 * @param entity          the {@code object_type} it watches, or {@link #ALL_ENTITIES}
 * @param condition       the compiled condition, empty when every event of the right kind qualifies
 * @param conditionSource the condition as written, present exactly when {@code condition} is
 * @param lookups         data fetched per event before the condition is evaluated, by unique name
 * @param actions         run in parallel when the observer fires, never empty
 * @param maxWait         how long its actions may wait on an open circuit breaker before going to
 *                        {@code onFailure}; empty leaves it to the daemon's default
 * @param origin          where it was defined, {@code observers.yaml:12} or {@code tb_observer:name}
 */
public record ObserverDefinition(
        String name,
        Set<EventKind> eventTypes,
        String entity,
        Optional<Condition> condition,
        Optional<String> conditionSource,
        List<LookupDefinition> lookups,
        List<ActionConfig> actions,
        RetryPolicy retry,
        FailurePolicy onFailure,
        Optional<Duration> maxWait,
        String origin) {

    /** The {@code entity} of an observer that watches every entity type. */
    public static final String ALL_ENTITIES = "*";

    public ObserverDefinition {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("an observer needs a name");
        }
        if (eventTypes.isEmpty()) {
            throw new IllegalArgumentException("observer " + name + " watches no event type");
        }
        eventTypes = Collections.unmodifiableSet(EnumSet.copyOf(eventTypes));
        if (condition.isPresent() != conditionSource.isPresent()) {
            throw new IllegalArgumentException("observer " + name + ": a condition and its source go together");
        }
        if (actions.isEmpty()) {
            throw new IllegalArgumentException("observer " + name + " has no action");
        }
        if (maxWait.isPresent() && !maxWait.get().isPositive()) {
            throw new IllegalArgumentException("observer " + name + ": max_wait_ms must be positive, got "
                    + maxWait.get().toMillis());
        }
        lookups = List.copyOf(lookups);
        actions = List.copyOf(actions);
    }

    /** An observer without lookups nor a breaker wait bound of its own. */
    public ObserverDefinition(String name, Set<EventKind> eventTypes, String entity, Optional<Condition> condition,
                              Optional<String> conditionSource, List<ActionConfig> actions, RetryPolicy retry,
                              FailurePolicy onFailure, String origin) {
        this(name, eventTypes, entity, condition, conditionSource, List.of(), actions, retry, onFailure,
                Optional.empty(), origin);
    }

    /** Whether this observer watches every entity type. */
    public boolean watchesAllEntities() {
        return ALL_ENTITIES.equals(entity);
    }

    /** Whether an event of this kind on this entity type is one this observer looks at (condition aside). */
    public boolean watches(EventKind kind, String entityType) {
        return eventTypes.contains(kind) && (watchesAllEntities() || entity.equals(entityType));
    }

    /** The condition's outcome for {@code event}; {@link Outcome#TRUE} when there is no condition. */
    public Outcome evaluate(ChangeEvent event) {
        return condition.map(c -> c.evaluate(event)).orElse(Outcome.TRUE);
    }
}

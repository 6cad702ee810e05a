package dev.observers.observer;

import dev.observers.changelog.ChangeEvent;
import dev.observers.changelog.EventKind;
import dev.observers.observer.condition.Outcome;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the observers of an event by lookup, not by scanning: one bucket per (event kind, entity
 * type) plus one per kind for the {@code "*"} observers, so an event costs the same however many
 * observers watch other entities. Results keep definition order.
 */
public final class ObserverIndex {

    /** An observer with its definition position, which orders merged buckets. */
    private record Entry(int position, ObserverDefinition observer) {
    }

    /** A candidate observer and its condition's outcome for one event. */
    public record Evaluation(ObserverDefinition observer, Outcome outcome) {
    }

    private final List<ObserverDefinition> all;
    private final Map<EventKind, Map<String, List<Entry>>> byEntity = new EnumMap<>(EventKind.class);
    private final Map<EventKind, List<Entry>> wildcard = new EnumMap<>(EventKind.class);

    /**
     * @throws IllegalArgumentException when two definitions share a name (names key idempotency)
     */
    public ObserverIndex(List<ObserverDefinition> definitions) {
        this.all = List.copyOf(definitions);
        Map<String, ObserverDefinition> byName = new HashMap<>();
        for (int i = 0; i < all.size(); i++) {
            ObserverDefinition observer = all.get(i);
            ObserverDefinition clash = byName.putIfAbsent(observer.name(), observer);
            if (clash != null) {
                throw new IllegalArgumentException("observer '" + observer.name() + "' is defined twice: at "
                        + clash.origin() + " and at " + observer.origin());
            }
            Entry entry = new Entry(i, observer);
            for (EventKind kind : observer.eventTypes()) {
                List<Entry> bucket = observer.watchesAllEntities()
                        ? wildcard.computeIfAbsent(kind, k -> new ArrayList<>())
                        : byEntity.computeIfAbsent(kind, k -> new HashMap<>())
                                .computeIfAbsent(observer.entity(), e -> new ArrayList<>());
                bucket.add(entry);
            }
        }
    }

    /** The observers that watch this event's kind and entity, conditions not yet evaluated. */
    public List<ObserverDefinition> match(ChangeEvent event) {
        return match(event.kind(), event.entityType());
    }

    /** The observers that watch events of {@code kind} on {@code entityType}, in definition order. */
    public List<ObserverDefinition> match(EventKind kind, String entityType) {
        List<Entry> exact = byEntity.getOrDefault(kind, Map.of()).getOrDefault(entityType, List.of());
        List<Entry> any = wildcard.getOrDefault(kind, List.of());
        List<ObserverDefinition> out = new ArrayList<>(exact.size() + any.size());
        int i = 0;
        int j = 0;
        while (i < exact.size() || j < any.size()) {
            boolean takeExact = j >= any.size() || i < exact.size() && exact.get(i).position() < any.get(j).position();
            out.add(takeExact ? exact.get(i++).observer() : any.get(j++).observer());
        }
        return out;
    }

    /**
     * Each matching observer with its condition's outcome for {@code event}, in definition order; the
     * caller fires the true ones and reports the errors.
     */
    public List<Evaluation> evaluate(ChangeEvent event) {
        List<ObserverDefinition> candidates = match(event);
        List<Evaluation> out = new ArrayList<>(candidates.size());
        for (ObserverDefinition observer : candidates) {
            out.add(new Evaluation(observer, observer.evaluate(event)));
        }
        return out;
    }

    /** Every observer, in definition order. */
    public List<ObserverDefinition> all() {
        return all;
    }

    public int size() {
        return all.size();
    }
}

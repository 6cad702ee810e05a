package dev.observers.observer;

import dev.observers.projection.ProjectionDefinition;

import java.util.List;

/** What a definitions file declares: its observers and its projections. */
public record Definitions(List<ObserverDefinition> observers, List<ProjectionDefinition> projections) {

    public Definitions {
        observers = List.copyOf(observers);
        projections = List.copyOf(projections);
    }
}

package dev.observers.dispatch;

import dev.observers.changelog.ChangeEvent;

import java.util.List;

/** Decides which observers an event concerns and what each of them runs; empty when none. */
public interface EventPlanner {

    List<ObserverRun> plan(ChangeEvent event);
}

package dev.observers.dispatch;

import dev.observers.action.StoredEvent;
import dev.observers.changelog.ChangeEvent;
import dev.observers.changelog.ChangeLogReader;
import dev.observers.changelog.EventMapper;
import dev.observers.dedup.Dedup;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Runs a dead letter's work again the way the daemon would: the event re-read from the change log
 * (or rebuilt from what the dead letter stored, when the row is gone), planned against the observers
 * in force now — so a condition is evaluated again — then each action through the {@link ActionRunner}
 * with the observer's retry policy, guarded by the dedup window under the daemon's own keys. A success
 * resolves the item; a failure is recorded on it and it stays.
 */
public final class DeadLetterRetry {

    /** What became of one item. */
    public sealed interface Outcome {
        String message();
    }

    /** Done: the item is resolved. */
    public record Resolved(String message) implements Outcome {
    }

    /** Ran and failed again; the new error and attempts are recorded on the item. */
    public record StillFailing(String message) implements Outcome {
    }

    /** Not run, for the reason given; the item is left as it was. */
    public record NotRetried(String message) implements Outcome {
    }

    private final DeadLetterTable table;
    private final ChangeLogReader log;
    private final Set<String> observers;
    private final EventPlanner planner;
    private final ActionRunner runner;
    private final Dedup dedup;

    /**
     * @param observers the names of the observers in force, so a vanished one is told apart from one
     *                  that no longer fires
     */
    public DeadLetterRetry(DeadLetterTable table, ChangeLogReader log, Set<String> observers, EventPlanner planner,
                           ActionRunner runner, Dedup dedup) {
        this.table = table;
        this.log = log;
        this.observers = Set.copyOf(observers);
        this.planner = planner;
        this.runner = runner;
        this.dedup = dedup;
    }

    /** Why {@code item} cannot be retried at all, or empty when it can be tried. */
    public Optional<String> refusal(StoredDeadLetter item) {
        if (item.resolved()) {
            return Optional.of("already resolved");
        }
        if (StoredDeadLetter.UNREADABLE_ROW.equals(item.errorKind())) {
            return Optional.of("change-log row " + item.changeLogPk() + " is not an event (" + item.error()
                    + "); it cannot be retried: correct the row's data, then purge this item");
        }
        if (item.observer() == null || !observers.contains(item.observer())) {
            return Optional.of("observer " + item.observer() + " no longer exists (not in OBSERVERS_CONFIG nor"
                    + " tb_observer); purge the item if its work is no longer wanted");
        }
        return Optional.empty();
    }

    public Outcome retry(StoredDeadLetter item) throws InterruptedException {
        Optional<String> refusal = refusal(item);
        if (refusal.isPresent()) {
            return new NotRetried(refusal.get());
        }
        Optional<ChangeEvent> found = event(item);
        if (found.isEmpty()) {
            return new NotRetried("neither change-log row " + item.changeLogPk()
                    + " nor the event stored with the dead letter reads as an event");
        }
        ChangeEvent event = found.get();
        Optional<ObserverRun> run = planner.plan(event).stream().filter(r -> r.observer().equals(item.observer()))
                .findFirst();
        boolean conditionError = StoredDeadLetter.CONDITION_ERROR.equals(item.errorKind())
                || "lookup_failed".equals(item.errorKind());
        if (run.isEmpty()) {
            if (conditionError) {
                table.resolve(item.id());
                return new Resolved("the condition of " + item.observer() + " is now false for this event: nothing to run");
            }
            return new NotRetried("observer " + item.observer() + " no longer fires for this " + event.kind() + " of "
                    + event.entityType() + " (its condition is false now, or it watches other events)");
        }
        if (run.get().refusal().isPresent()) {
            table.failedAgain(item.id(), run.get().refusal().get(), 0);
            return new StillFailing(run.get().refusal().get());
        }
        if (run.get().gate().isPresent()) {
            switch (run.get().gate().get().check(event)) {
                case Gate.Fire(ChangeEvent enriched) -> event = enriched;
                case Gate.Skip skip -> {
                    table.resolve(item.id());
                    return new Resolved("the condition of " + item.observer() + " is now false for this event:"
                            + " nothing to run");
                }
                case Gate.Refuse(String reason, String kind) -> {
                    table.failedAgain(item.id(), reason, 0);
                    return new StillFailing(reason);
                }
                case Gate.Unavailable(String reason) -> {
                    table.failedAgain(item.id(), reason, 1);
                    return new StillFailing(reason);
                }
            }
        }
        List<PlannedAction> actions = run.get().actions();
        if (!conditionError) {
            actions = actions.stream().filter(a -> item.actionIndex() != null && a.index() == item.actionIndex()).toList();
            if (actions.isEmpty()) {
                return new NotRetried("observer " + item.observer() + " has no action " + item.actionIndex() + " any more");
            }
        }
        return run(item, event, run.get(), actions);
    }

    private Outcome run(StoredDeadLetter item, ChangeEvent event, ObserverRun run, List<PlannedAction> actions)
            throws InterruptedException {
        List<String> keys = new ArrayList<>();
        Duration longest = Duration.ZERO;
        for (PlannedAction a : actions) {
            keys.add(dedup.key(item.listenerId(), event, run.observer(), a.index()));
            longest = a.timeout().compareTo(longest) > 0 ? a.timeout() : longest;
        }
        Set<String> done = dedup.claimUnlessDone(keys, longest);
        List<String> report = new ArrayList<>();
        String error = null;
        int attempts = 0;
        for (int i = 0; i < actions.size(); i++) {
            PlannedAction action = actions.get(i);
            String what = "action " + action.index() + " (" + action.action().type() + ")";
            if (done.contains(keys.get(i))) {
                report.add(what + " was already done within the dedup window");
                continue;
            }
            String key = keys.get(i);
            ActionRunner.Result result = runner.run(event, run.observer(), action, run.retry(),
                    event.id() + ":" + run.observer() + ":" + action.index(), () -> dedup.markDone(key));
            attempts += result.attempts();
            switch (result) {
                case ActionRunner.Succeeded s -> report.add(what + " succeeded in " + plural(s.attempts(), "attempt"));
                case ActionRunner.Failed f -> {
                    dedup.release(keys.get(i));
                    error = f.failure().getMessage();
                    report.add(what + " failed after " + plural(f.attempts(), "attempt") + ": " + error);
                }
            }
        }
        if (error != null) {
            table.failedAgain(item.id(), error, attempts);
            return new StillFailing(String.join("; ", report));
        }
        table.resolve(item.id());
        return new Resolved(String.join("; ", report));
    }

    /** The change-log row when it is still there and is the same event; else what the dead letter stored. */
    private Optional<ChangeEvent> event(StoredDeadLetter item) {
        var row = log.read(item.changeLogPk());
        if (row.isPresent() && (item.eventId() == null || item.eventId().equals(row.get().id()))
                && EventMapper.map(row.get()) instanceof EventMapper.Ok(ChangeEvent event)) {
            return Optional.of(event);
        }
        return StoredEvent.parse(item.event(), item.changeLogPk());
    }

    private static String plural(int n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }
}

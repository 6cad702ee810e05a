package dev.observers.dispatch;

import dev.observers.action.StoredEvent;
import dev.observers.changelog.ChangeEvent;
import dev.observers.changelog.ChangeLogReader;
import dev.observers.changelog.EventMapper;
import dev.observers.dedup.Dedup;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Runs a dead letter's work again the way the daemon would: the event re-read from the change log
 * (or rebuilt from what the dead letter stored, when the row is gone), planned against the observers
 * in force now — so a condition is evaluated again — then run by the {@link RunExecutor}, as the
 * daemon runs it: gate, dedup window under the daemon's own keys, actions through the
 * {@link ActionRunner} with the observer's retry policy. A success resolves the item; a failure is
 * recorded on it and it stays, rather than becoming a new dead letter.
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
        if (StoredDeadLetter.INDEX_REJECTED.equals(item.errorKind())) {
            return Optional.of("Elasticsearch refused the search document of row " + item.changeLogPk() + " ("
                    + item.error() + "); fix the template or the row, then `observers replay --subscription"
                    + " search:events --from " + item.changeLogPk() + "` indexes it again, and purge this item");
        }
        if (StoredDeadLetter.REFRESH_FAILED.equals(item.errorKind())) {
            return Optional.of("the projection refresh of row " + item.changeLogPk() + " failed (" + item.error()
                    + "); fix the view, then `observers projections rebuild " + item.observer().replaceFirst(
                    "^projection:", "") + "` (or replay its subscription), and purge this item");
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
                || RunExecutor.LOOKUP_FAILED.equals(item.errorKind());
        if (run.isEmpty()) {
            if (conditionError) {
                table.resolve(item.id());
                return new Resolved("the condition of " + item.observer() + " is now false for this event: nothing to run");
            }
            return new NotRetried("observer " + item.observer() + " no longer fires for this " + event.kind() + " of "
                    + event.entityType() + " (its condition is false now, or it watches other events)");
        }
        ObserverRun again = run.get();
        if (!conditionError) {
            again = again.withActions(again.actions().stream()
                    .filter(a -> item.actionIndex() != null && a.index() == item.actionIndex()).toList());
        }
        return switch (new RunExecutor(item.listenerId(), runner, dedup).execute(event, again, RunExecutor.Check.CHECK)) {
            case RunExecutor.Refused(String reason, String kind, int attempts) -> {
                table.failedAgain(item.id(), reason, attempts);
                yield new StillFailing(reason);
            }
            case RunExecutor.Skipped skipped -> {
                table.resolve(item.id());
                yield new Resolved("the condition of " + item.observer() + " is now false for this event: nothing to run");
            }
            case RunExecutor.Ran ran when ran.actions().isEmpty() ->
                    new NotRetried("observer " + item.observer() + " has no action " + item.actionIndex() + " any more");
            case RunExecutor.Ran ran -> record(item, ran.actions());
        };
    }

    /** Resolves the item when every action is now done; else records the last error and the attempts spent. */
    private Outcome record(StoredDeadLetter item, List<RunExecutor.ActionOutcome> actions) {
        List<String> report = new ArrayList<>();
        String error = null;
        int attempts = 0;
        for (RunExecutor.ActionOutcome outcome : actions) {
            String what = "action " + outcome.action().index() + " (" + outcome.action().action().type() + ")";
            switch (outcome) {
                case RunExecutor.AlreadyDone done -> report.add(what + " was already done within the dedup window");
                case RunExecutor.Succeeded s -> {
                    attempts += s.attempts();
                    report.add(what + " succeeded in " + plural(s.attempts(), "attempt"));
                }
                case RunExecutor.Failed f -> {
                    attempts += f.attempts();
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

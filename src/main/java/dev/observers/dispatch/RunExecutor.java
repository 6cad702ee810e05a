package dev.observers.dispatch;

import dev.observers.action.ActionFailure;
import dev.observers.changelog.ChangeEvent;
import dev.observers.dedup.Dedup;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Carries one observer's run for one event through the steps every run takes, so the daemon and
 * {@code observers dlq retry} run it the same way: a refusal ends it at once; the gate (lookups, then
 * the condition) is settled, an unavailable dependency retried per the observer's retry policy; the
 * actions are checked against the dedup window (unless the caller checked them already) and run in
 * parallel through the {@link ActionRunner}; a success is marked done before its concurrency slot is
 * freed, and a failure leaves no mark, so a later retry runs it. What then becomes of a failure is
 * the caller's business: the dispatcher applies the observer's {@code on_failure}, a dead-letter retry
 * records it on the dead letter it retried.
 */
public final class RunExecutor {

    /** The error kind of a run whose lookups stayed unavailable through its retries. */
    public static final String LOOKUP_FAILED = "lookup_failed";

    private static final ThreadFactory ACTION_THREADS = Thread.ofVirtual().name("run-action-", 0).factory();

    /** Whether a run's actions are still to be checked against the dedup window. */
    public enum Check {
        /** Check them here; the actions the dedup window says are done are not run. */
        CHECK,
        /** The caller checked them (with the rest of its batch, in one round trip) and left out the done ones. */
        ALREADY_CHECKED
    }

    /** What became of a run. */
    public sealed interface Outcome {
    }

    /**
     * Nothing ran: the observer could not be decided for this event ({@code condition_error}), or its
     * lookups stayed unavailable ({@link #LOOKUP_FAILED}) after {@code attempts} checks.
     */
    public record Refused(String reason, String errorKind, int attempts) implements Outcome {
    }

    /** The gate decided that the observer does not fire for this event. */
    public record Skipped() implements Outcome {
    }

    /** The actions were run, or found done; one outcome each, in the run's order. */
    public record Ran(List<ActionOutcome> actions) implements Outcome {
        public Ran {
            actions = List.copyOf(actions);
        }
    }

    /** What became of one action. */
    public sealed interface ActionOutcome {
        PlannedAction action();
    }

    public record Succeeded(PlannedAction action, int attempts) implements ActionOutcome {
    }

    /** Not run: the dedup window says it was done already. */
    public record AlreadyDone(PlannedAction action) implements ActionOutcome {
    }

    public record Failed(PlannedAction action, ActionFailure failure, int attempts) implements ActionOutcome {
    }

    private final String listenerId;
    private final ActionRunner runner;
    private final Dedup dedup;

    /** @param listenerId the listener whose dedup keys the actions are checked and marked under */
    public RunExecutor(String listenerId, ActionRunner runner, Dedup dedup) {
        this.listenerId = listenerId;
        this.runner = runner;
        this.dedup = dedup;
    }

    /** Runs {@code run} for {@code event} to its end; interrupted only by shutdown, which stops its actions. */
    public Outcome execute(ChangeEvent event, ObserverRun run, Check check) throws InterruptedException {
        if (run.refusal().isPresent()) {
            return new Refused(run.refusal().get(), StoredDeadLetter.CONDITION_ERROR, 0);
        }
        Gate.Verdict verdict = new Gate.Fire(event);
        int checks = 0;
        if (run.gate().isPresent()) {
            Gate gate = run.gate().get();
            while (true) {
                verdict = gate.check(event);
                checks++;
                if (!(verdict instanceof Gate.Unavailable) || !run.retry().hasAttemptAfter(checks)) {
                    break;
                }
                Thread.sleep(run.retry().delayAfter(checks, ThreadLocalRandom.current().nextDouble()).toMillis());
            }
        }
        return switch (verdict) {
            case Gate.Fire(ChangeEvent subject) -> new Ran(runActions(event, subject, run, check));
            case Gate.Skip skip -> new Skipped();
            case Gate.Refuse(String reason, String kind) -> new Refused(reason, kind, 0);
            case Gate.Unavailable(String reason) -> new Refused(reason, LOOKUP_FAILED, checks);
        };
    }

    /**
     * The actions in parallel on {@code subject} (the event, enriched by the gate), keyed by {@code event};
     * a single action runs on the calling thread.
     */
    private List<ActionOutcome> runActions(ChangeEvent event, ChangeEvent subject, ObserverRun run, Check check)
            throws InterruptedException {
        List<PlannedAction> actions = run.actions();
        List<String> keys = new ArrayList<>(actions.size());
        for (PlannedAction a : actions) {
            keys.add(dedupKey(event, run, a));
        }
        Set<String> done = check == Check.CHECK && dedup.enabled() ? dedup.done(keys) : Set.of();
        if (actions.size() == 1) {
            PlannedAction action = actions.getFirst();
            return List.of(isDone(done, keys.getFirst()) ? new AlreadyDone(action)
                    : runAction(event, subject, run, action, keys.getFirst()));
        }
        try (ExecutorService forks = Executors.newThreadPerTaskExecutor(ACTION_THREADS)) {
            List<Future<ActionOutcome>> running = new ArrayList<>(actions.size());
            for (int i = 0; i < actions.size(); i++) {
                PlannedAction action = actions.get(i);
                String key = keys.get(i);
                running.add(isDone(done, key) ? CompletableFuture.completedFuture(new AlreadyDone(action))
                        : forks.submit(() -> runAction(event, subject, run, action, key)));
            }
            List<ActionOutcome> outcomes = new ArrayList<>(actions.size());
            for (Future<ActionOutcome> f : running) {
                outcomes.add(await(f, forks));
            }
            return outcomes;
        }
    }

    private static boolean isDone(Set<String> done, String key) {
        return key != null && done.contains(key);
    }

    /** The dedup key of one action of {@code event}; null when dedup is disabled. */
    private String dedupKey(ChangeEvent event, ObserverRun run, PlannedAction action) {
        return dedup.enabled() ? dedup.key(listenerId, event, run.observer(), action.index()) : null;
    }

    private static String idempotencyKey(ChangeEvent event, ObserverRun run, PlannedAction action) {
        return event.id() + ":" + run.observer() + ":" + action.index();
    }

    private ActionOutcome runAction(ChangeEvent event, ChangeEvent subject, ObserverRun run, PlannedAction action,
                                    String dedupKey) throws InterruptedException {
        return outcome(action, runner.run(subject, run, action, idempotencyKey(event, run, action),
                () -> markDone(dedupKey)));
    }

    /**
     * The first attempt of an inline action on the calling thread; null on success, and then its done
     * mark is queued into {@code marks} unless dedup is disabled.
     */
    public ActionFailure attemptInline(ChangeEvent event, ObserverRun run, PlannedAction action,
                                       List<CompletableFuture<Void>> marks) throws InterruptedException {
        ActionFailure failure = runner.firstAttempt(event, run, action, idempotencyKey(event, run, action));
        String dedupKey = failure == null ? dedupKey(event, run, action) : null;
        if (dedupKey != null) {
            marks.add(dedup.markDoneLater(dedupKey));
        }
        return failure;
    }

    /**
     * Carries on an inline action whose first attempt, made by the caller on its own thread, failed with
     * {@code failure}: its retries, then its outcome as {@link #execute} would report it.
     */
    public ActionOutcome retryInline(ChangeEvent event, ObserverRun run, PlannedAction action, ActionFailure failure)
            throws InterruptedException {
        String dedupKey = dedupKey(event, run, action);
        return outcome(action, runner.retry(event, run, action, idempotencyKey(event, run, action),
                () -> markDone(dedupKey), failure));
    }

    private static ActionOutcome outcome(PlannedAction action, ActionRunner.Result result) {
        return switch (result) {
            case ActionRunner.Succeeded(int attempts) -> new Succeeded(action, attempts);
            case ActionRunner.Failed(ActionFailure failure, int attempts) -> new Failed(action, failure, attempts);
        };
    }

    private void markDone(String dedupKey) throws InterruptedException {
        if (dedupKey != null) {
            dedup.markDone(dedupKey);
        }
    }

    /** One action's outcome; on interruption or an unexpected error the run's other actions are stopped. */
    private static ActionOutcome await(Future<ActionOutcome> f, ExecutorService forks) throws InterruptedException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            forks.shutdownNow();
            throw e;
        } catch (ExecutionException e) {
            forks.shutdownNow();
            switch (e.getCause()) {
                case InterruptedException ie -> throw ie;
                case RuntimeException re -> throw re;
                case Error err -> throw err;
                default -> throw new IllegalStateException("action runner failed", e.getCause());
            }
        }
    }
}

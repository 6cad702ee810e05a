package dev.observers.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.observers.changelog.ChangeEvent;
import dev.observers.dedup.Dedup;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * Carries each event through its observers: events of one entity one at a time in log order (lanes),
 * different entities in parallel, the actions of one event in parallel. An event is complete — and
 * {@code onComplete} runs — once every action has succeeded or been handed to its failure policy.
 * A poison event therefore costs its own entity some retries, never the others their progress.
 */
public final class Dispatcher {

    private static final Logger LOG = Logger.getLogger(Dispatcher.class);

    private record Job(ChangeEvent event, List<ObserverRun> runs, Runnable onComplete) {
    }

    private final String listenerId;
    private final ActionRunner runner;
    private final DeadLetterStore deadLetters;
    private final Function<ChangeEvent, JsonNode> eventJson;
    private final DispatchMetrics metrics;
    private final Dedup dedup;
    private final Lanes<Job> lanes = new Lanes<>(this::start);
    private final ExecutorService threads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("event-", 0).factory());

    public Dispatcher(String listenerId, ActionRunner runner, DeadLetterStore deadLetters,
                      Function<ChangeEvent, JsonNode> eventJson, DispatchMetrics metrics, Dedup dedup) {
        this.listenerId = listenerId;
        this.runner = runner;
        this.deadLetters = deadLetters;
        this.eventJson = eventJson;
        this.metrics = metrics;
        this.dedup = dedup;
    }

    /** Queues {@code event} behind earlier events of its entity; an event with no runs completes at once. */
    public void submit(ChangeEvent event, List<ObserverRun> runs, Runnable onComplete) {
        if (runs.isEmpty()) {
            onComplete.run();
            return;
        }
        lanes.submit(event.entityKey(), new Job(event, runs, onComplete));
    }

    /** Records a row that is not an event, then completes it. */
    public void refuseRow(DeadLetter letter, Runnable onComplete) {
        threads.submit(() -> {
            try {
                LOG.errorf("listener %s: change-log row %d is not an event (%s); dead-lettered", listenerId,
                        letter.changeLogPk(), letter.error());
                store(letter);
                onComplete.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** Stops running work; unfinished events stay before the checkpoint and are replayed on restart. */
    public void shutdownNow() {
        threads.shutdownNow();
        runner.close();
    }

    private void start(Job job) {
        threads.submit(() -> {
            try {
                process(job);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            lanes.done(job.event().entityKey());
            job.onComplete().run();
        });
    }

    private void process(Job job) throws InterruptedException {
        List<Future<?>> runs = new ArrayList<>(job.runs().size());
        for (ObserverRun run : job.runs()) {
            runs.add(threads.submit(() -> {
                processRun(job.event(), run);
                return null;
            }));
        }
        awaitAll(runs);
    }

    /** One observer's part of an event: its gate, then its actions in parallel, then its failure policy. */
    private void processRun(ChangeEvent event, ObserverRun run) throws InterruptedException {
        if (run.refusal().isPresent()) {
            fail(event, run, null, run.refusal().get(), "condition_error", 0);
            return;
        }
        ChangeEvent subject = event;
        if (run.gate().isPresent()) {
            switch (settle(event, run)) {
                case Gate.Fire(ChangeEvent enriched) -> subject = enriched;
                case Gate.Skip skip -> {
                    return;
                }
                case Gate.Refuse(String reason, String kind) -> {
                    fail(event, run, null, reason, kind, 0);
                    return;
                }
                case Gate.Unavailable(String reason) -> {
                    fail(event, run, null, reason, "lookup_failed", run.retry().maxAttempts());
                    return;
                }
            }
        }
        record Running(PlannedAction action, String dedupKey, Future<ActionRunner.Result> result) {
        }
        List<Running> running = new ArrayList<>();
        ChangeEvent target = subject;
        for (PlannedAction action : run.actions()) {
            String key = event.id() + ":" + run.observer() + ":" + action.index();
            String dedupKey = dedup.key(listenerId, event, run.observer(), action.index());
            running.add(new Running(action, dedupKey, threads.submit(() -> {
                ActionRunner.Result result = runner.run(target, run.observer(), action, run.retry(), key,
                        () -> dedup.markDone(dedupKey));
                if (!(result instanceof ActionRunner.Succeeded)) {
                    dedup.release(dedupKey);
                }
                return result;
            })));
        }
        for (Running r : running) {
            ActionRunner.Result result;
            try {
                result = r.result().get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("action runner failed", e.getCause());
            } catch (InterruptedException e) {
                running.forEach(x -> x.result().cancel(true));
                throw e;
            }
            if (result instanceof ActionRunner.Failed(var failure, int attempts)) {
                fail(event, run, r.action(), failure.getMessage(), "action_failed", attempts);
            }
        }
    }

    /** The gate's verdict, retrying an unavailable dependency per the observer's retry policy. */
    private static Gate.Verdict settle(ChangeEvent event, ObserverRun run) throws InterruptedException {
        Gate gate = run.gate().orElseThrow();
        for (int attempt = 1; ; attempt++) {
            Gate.Verdict verdict = gate.check(event);
            if (!(verdict instanceof Gate.Unavailable) || !run.retry().hasAttemptAfter(attempt)) {
                return verdict;
            }
            Thread.sleep(run.retry().delayAfter(attempt, ThreadLocalRandom.current().nextDouble()).toMillis());
        }
    }

    private static void awaitAll(List<Future<?>> futures) throws InterruptedException {
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                futures.forEach(x -> x.cancel(true));
                if (e.getCause() instanceof InterruptedException) {
                    throw new InterruptedException("shutting down");
                }
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                futures.forEach(x -> x.cancel(true));
                throw e;
            }
        }
    }

    private void fail(ChangeEvent event, ObserverRun run, PlannedAction action, String error, String kind, int attempts)
            throws InterruptedException {
        String what = action == null ? "observer " + run.observer()
                : "observer " + run.observer() + " action " + action.index() + " (" + action.action().type() + ")";
        switch (run.onFailure()) {
            case DLQ -> {
                LOG.warnf("listener %s: %s failed for event %s (row %d) after %d attempt(s): %s; dead-lettered",
                        listenerId, what, event.id(), event.pk(), attempts, error);
                store(new DeadLetter(listenerId, event.pk(), event.id(), event.entityType(), event.entityId(),
                        run.observer(), action == null ? null : action.index(),
                        action == null ? null : action.action().type(), eventJson.apply(event), error, kind, attempts));
            }
            case ALERT -> {
                metrics.alert();
                LOG.errorf("ALERT listener %s: %s failed for event %s (row %d) after %d attempt(s): %s",
                        listenerId, what, event.id(), event.pk(), attempts, error);
            }
            case LOG -> LOG.errorf("listener %s: %s failed for event %s (row %d) after %d attempt(s): %s",
                    listenerId, what, event.id(), event.pk(), attempts, error);
        }
    }

    /** Writes a dead letter, retrying while the database is unreachable: a dead letter is never dropped. */
    private void store(DeadLetter letter) throws InterruptedException {
        long delay = 100;
        while (true) {
            try {
                deadLetters.add(letter);
                metrics.deadLettered();
                return;
            } catch (RuntimeException e) {
                LOG.warnf("listener %s: cannot write dead letter for row %d (%s); retrying in %d ms", listenerId,
                        letter.changeLogPk(), e.getMessage(), delay);
                Thread.sleep(delay);
                delay = Math.min(delay * 2, 10_000);
            }
        }
    }
}

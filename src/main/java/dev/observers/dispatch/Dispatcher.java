package dev.observers.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.observers.action.ActionFailure;
import dev.observers.changelog.ChangeEvent;
import dev.observers.dedup.Dedup;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * Carries each event through its observers: events of one entity one at a time in log order (lanes),
 * different entities in parallel, the observers of one event in parallel, each through a
 * {@link RunExecutor} that runs its actions in parallel too. An event is complete — and
 * {@code onComplete} runs — once every action has succeeded or been handed to its failure policy.
 * A poison event therefore costs its own entity some retries, never the others their progress.
 */
public final class Dispatcher {

    private static final Logger LOG = Logger.getLogger(Dispatcher.class);
    private static final RetryPolicy STORE_BACKOFF = RetryPolicy.backoff(Duration.ofMillis(100), Duration.ofSeconds(10));

    private record Job(ChangeEvent event, ChangeEvent.EntityKey lane, List<ObserverRun> runs, Runnable onComplete) {
    }

    private final String listenerId;
    private final RunExecutor executor;
    private final DeadLetterStore deadLetters;
    private final Function<ChangeEvent, JsonNode> eventJson;
    private final DispatchMetrics metrics;
    private final Lanes<Job> lanes = new Lanes<>(this::start);
    private final ExecutorService threads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("event-", 0).factory());

    public Dispatcher(String listenerId, ActionRunner runner, DeadLetterStore deadLetters,
                      Function<ChangeEvent, JsonNode> eventJson, DispatchMetrics metrics, Dedup dedup) {
        this.listenerId = listenerId;
        this.executor = new RunExecutor(listenerId, runner, dedup);
        this.deadLetters = deadLetters;
        this.eventJson = eventJson;
        this.metrics = metrics;
    }

    /**
     * Queues {@code event} behind earlier events of its entity; an event with no runs completes at once.
     * When its entity has nothing running and every action is {@link dev.observers.action.Action#inline},
     * its actions run here, on the caller's thread: no hand-off for the cheapest path.
     */
    public void submit(ChangeEvent event, List<ObserverRun> runs, Runnable onComplete) {
        if (runs.isEmpty()) {
            onComplete.run();
            return;
        }
        Job job = new Job(event, event.entityKey(), runs, onComplete);
        if (inline(runs) && lanes.enterIfIdle(job.lane())) {
            runInline(job);
        } else {
            lanes.submit(job.lane(), job);
        }
    }

    /** Whether every action of {@code runs} runs inline: no gate to settle, no refusal to record, no target. */
    private static boolean inline(List<ObserverRun> runs) {
        for (ObserverRun run : runs) {
            if (run.refusal().isPresent() || run.gate().isPresent()) {
                return false;
            }
            for (PlannedAction a : run.actions()) {
                if (!ActionRunner.runsInline(a.action())) {
                    return false;
                }
            }
        }
        return true;
    }

    /** One failed first attempt of an inline action, to be retried on a thread. */
    private record Retry(ObserverRun run, PlannedAction action, ActionFailure failure) {
    }

    /**
     * First attempts on this thread, their done marks queued; retries of failed ones on a thread of
     * their own, the lane held until they end. The event completes once its marks are stored.
     */
    private void runInline(Job job) {
        ChangeEvent event = job.event();
        metrics.started(event.timestamp());
        List<Retry> retries = null;
        List<CompletableFuture<Void>> stored = new ArrayList<>(0);
        try {
            for (ObserverRun run : job.runs()) {
                for (PlannedAction action : run.actions()) {
                    ActionFailure failure = executor.attemptInline(event, run, action, stored);
                    if (failure != null) {
                        retries = retries == null ? new ArrayList<>() : retries;
                        retries.add(new Retry(run, action, failure));
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (retries != null) {
            List<Retry> failed = retries;
            threads.submit(() -> {
                try {
                    for (Retry r : failed) {
                        RunExecutor.ActionOutcome outcome = executor.retryInline(event, r.run(), r.action(), r.failure());
                        if (outcome instanceof RunExecutor.Failed(PlannedAction action, var failure, int attempts)) {
                            fail(event, r.run(), action, failure.getMessage(), StoredDeadLetter.ACTION_FAILED, attempts);
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                lanes.done(job.lane());
                completeOnceStored(job, stored);
            });
            return;
        }
        lanes.done(job.lane());
        completeOnceStored(job, stored);
    }

    /**
     * Completes the event once its done marks are stored. Only what completion needs is kept meanwhile,
     * not the event: a backlog waiting on Redis holds its positions, not its documents.
     */
    private void completeOnceStored(Job job, List<CompletableFuture<Void>> marks) {
        if (marks.isEmpty()) {
            complete(job);
            return;
        }
        Instant timestamp = job.event().timestamp();
        UUID id = job.event().id();
        long pk = job.event().pk();
        Runnable onComplete = job.onComplete();
        CompletableFuture<Void> stored = marks.size() == 1 ? marks.getFirst()
                : CompletableFuture.allOf(marks.toArray(CompletableFuture[]::new));
        stored.whenComplete((ok, failure) -> {
            if (failure != null) {
                LOG.warnf("listener %s: a dedup mark of event %s (row %d) was not stored: %s", listenerId, id, pk,
                        failure.getMessage());
            }
            metrics.done(timestamp);
            onComplete.run();
        });
    }

    private void complete(Job job) {
        metrics.done(job.event().timestamp());
        job.onComplete().run();
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

    /**
     * Stops running work; unfinished events stay before the checkpoint and are replayed on restart. The
     * action runner is left running: it is shared with other dispatchers, and its owner closes it.
     */
    public void shutdownNow() {
        threads.shutdownNow();
    }

    private void start(Job job) {
        threads.submit(() -> {
            try {
                metrics.started(job.event().timestamp());
                process(job);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            lanes.done(job.lane());
            complete(job);
        });
    }

    /** The observers of one event in parallel; a single one on this thread. */
    private void process(Job job) throws InterruptedException {
        if (job.runs().size() == 1) {
            processRun(job.event(), job.runs().getFirst());
            return;
        }
        List<Future<?>> runs = new ArrayList<>(job.runs().size());
        for (ObserverRun run : job.runs()) {
            runs.add(threads.submit(() -> {
                processRun(job.event(), run);
                return null;
            }));
        }
        awaitAll(runs);
    }

    /** One observer's part of an event, then its failure policy for whatever failed. */
    private void processRun(ChangeEvent event, ObserverRun run) throws InterruptedException {
        switch (executor.execute(event, run, RunExecutor.Check.ALREADY_CHECKED)) {
            case RunExecutor.Refused(String reason, String kind, int attempts) ->
                    fail(event, run, null, reason, kind, attempts);
            case RunExecutor.Skipped skipped -> {
            }
            case RunExecutor.Ran(var actions) -> {
                for (RunExecutor.ActionOutcome outcome : actions) {
                    if (outcome instanceof RunExecutor.Failed(PlannedAction action, var failure, int attempts)) {
                        fail(event, run, action, failure.getMessage(), StoredDeadLetter.ACTION_FAILED, attempts);
                    }
                }
            }
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
        for (int failures = 1; ; failures++) {
            try {
                deadLetters.add(letter);
                metrics.deadLettered();
                return;
            } catch (RuntimeException e) {
                long delay = STORE_BACKOFF.delayAfter(failures, ThreadLocalRandom.current().nextDouble()).toMillis();
                LOG.warnf("listener %s: cannot write dead letter for row %d (%s); retrying in %d ms", listenerId,
                        letter.changeLogPk(), e.getMessage(), delay);
                Thread.sleep(delay);
            }
        }
    }
}

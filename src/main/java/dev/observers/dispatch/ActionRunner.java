package dev.observers.dispatch;

import dev.observers.action.Action;
import dev.observers.action.ActionFailure;
import dev.observers.action.Invocation;
import dev.observers.changelog.ChangeEvent;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Runs one action of one event to its end: each attempt under its timeout and within the global
 * concurrency limit, transient failures retried per the observer's policy, and a circuit breaker per
 * target that makes callers wait (not fail) while the target is down.
 */
public final class ActionRunner {

    /** How an action ended. */
    public sealed interface Result {
        int attempts();
    }

    public record Succeeded(int attempts) implements Result {
    }

    public record Failed(ActionFailure failure, int attempts) implements Result {
    }

    private final Semaphore slots;
    private final Clock clock;
    private final DispatchMetrics metrics;
    private final Supplier<CircuitBreaker> newBreaker;
    private final Map<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();
    private final ExecutorService attempts = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("action-", 0).factory());

    public ActionRunner(int maxConcurrentActions, Clock clock, DispatchMetrics metrics, Supplier<CircuitBreaker> newBreaker) {
        this.slots = new Semaphore(maxConcurrentActions, true);
        this.clock = clock;
        this.metrics = metrics;
        this.newBreaker = newBreaker;
    }

    /** Runs while the succeeded attempt still holds its concurrency slot (the dedup done mark). */
    @FunctionalInterface
    public interface OnSuccess {
        OnSuccess NOTHING = () -> { };

        void succeeded() throws InterruptedException;
    }

    /**
     * Blocks until the action succeeded or failed for good; interrupted only by shutdown. {@code onSuccess}
     * runs before the slot is freed, so an action counts as in flight until its success is recorded.
     */
    public Result run(ChangeEvent event, String observer, PlannedAction planned, RetryPolicy retry, String idempotencyKey,
                      OnSuccess onSuccess) throws InterruptedException {
        Action action = planned.action();
        CircuitBreaker breaker = action.target() == null ? null
                : breakers.computeIfAbsent(action.target(), t -> newBreaker.get());
        for (int attempt = 1; ; attempt++) {
            if (breaker != null) {
                awaitBreaker(breaker);
            }
            ActionFailure failure = attempt(event, new Invocation(observer, attempt, idempotencyKey,
                    clock.instant().plus(planned.timeout())), planned, onSuccess);
            if (failure == null) {
                if (breaker != null) {
                    breaker.onSuccess();
                }
                return new Succeeded(attempt);
            }
            if (breaker != null) {
                if (failure.isTransient()) {
                    breaker.onFailure(clock.instant());
                } else {
                    breaker.onSuccess();
                }
            }
            if (!failure.isTransient() || !retry.hasAttemptAfter(attempt)) {
                return new Failed(failure, attempt);
            }
            Thread.sleep(retry.delayAfter(attempt, ThreadLocalRandom.current().nextDouble()).toMillis());
        }
    }

    /** The breaker state of a target, for health and tests. */
    public CircuitBreaker.State breakerState(String target) {
        CircuitBreaker b = breakers.get(target);
        return b == null ? CircuitBreaker.State.CLOSED : b.state();
    }

    private void awaitBreaker(CircuitBreaker breaker) throws InterruptedException {
        while (true) {
            Instant now = clock.instant();
            if (breaker.tryAcquire(now) instanceof CircuitBreaker.Permit.WaitUntil(Instant retryAt)) {
                Thread.sleep(Math.max(1, Duration.between(now, retryAt).toMillis()));
            } else {
                return;
            }
        }
    }

    /** One attempt; null on success. */
    private ActionFailure attempt(ChangeEvent event, Invocation invocation, PlannedAction planned, OnSuccess onSuccess)
            throws InterruptedException {
        Action action = planned.action();
        slots.acquire();
        long start = System.nanoTime();
        long took;
        ActionFailure failure;
        try {
            Future<?> f = attempts.submit(() -> {
                action.execute(event, invocation);
                return null;
            });
            try {
                f.get(planned.timeout().toMillis(), TimeUnit.MILLISECONDS);
                failure = null;
            } catch (TimeoutException e) {
                f.cancel(true);
                failure = ActionFailure.transientFailure("timeout",
                        action.type() + " timed out after " + planned.timeout().toMillis() + " ms");
            } catch (ExecutionException e) {
                failure = e.getCause() instanceof ActionFailure af ? af
                        : new ActionFailure(ActionFailure.Kind.TRANSIENT, "unexpected",
                        action.type() + " failed unexpectedly: " + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                f.cancel(true);
                throw e;
            }
            took = System.nanoTime() - start;
            if (failure == null) {
                onSuccess.succeeded();
            }
        } finally {
            slots.release();
        }
        metrics.attempt(action.type(), Duration.ofNanos(took),
                failure == null ? null : failure.errorType());
        return failure;
    }

    public void close() {
        attempts.shutdownNow();
    }
}

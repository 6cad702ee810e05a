package dev.observers.dispatch;

import dev.observers.action.Action;
import dev.observers.action.ActionFailure;
import dev.observers.action.Invocation;
import dev.observers.changelog.ChangeEvent;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Runs one action of one event to its end: each attempt under its timeout and within the global
 * concurrency limit, transient failures retried per the observer's policy, and a circuit breaker per
 * target that makes callers wait (not fail) while the target is down. Waiting costs no attempts: the
 * retry budget counts only calls made while the breaker was closed, since a failed half-open probe
 * says the target is still down, not that this event is bad. Waiting is bounded by the observer's
 * {@code max_wait_ms}, else by the runner's default; past it the action fails as {@code circuit_open}.
 * One runner is shared by every dispatcher, so the concurrency limit and the breakers are global.
 */
public final class ActionRunner {

    /** The error type of an action that waited longer than its bound on an open breaker. */
    public static final String CIRCUIT_OPEN = "circuit_open";

    /**
     * How an action ended. {@code attempts} is the attempt it ended on: failed half-open probes do not
     * advance it, so it never exceeds the observer's {@code retry.max_attempts}.
     */
    public sealed interface Result {
        int attempts();
    }

    public record Succeeded(int attempts) implements Result {
    }

    public record Failed(ActionFailure failure, int attempts) implements Result {
    }

    /** Runs while the succeeded attempt still holds its concurrency slot (the dedup done mark). */
    @FunctionalInterface
    public interface OnSuccess {
        OnSuccess NOTHING = () -> { };

        void succeeded() throws InterruptedException;
    }

    private final Semaphore slots;
    private final Clock clock;
    private final DispatchMetrics metrics;
    private final Supplier<CircuitBreaker> newBreaker;
    private final Optional<Duration> defaultMaxWait;
    private final Map<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> waitingByObserver = new ConcurrentHashMap<>();
    private final ExecutorService attempts = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("action-", 0).factory());

    /**
     * @param defaultMaxWait how long an action of an observer without its own {@code max_wait_ms} may wait
     *                       on an open breaker; empty or zero waits for as long as the target is down
     */
    public ActionRunner(int maxConcurrentActions, Clock clock, DispatchMetrics metrics,
                        Supplier<CircuitBreaker> newBreaker, Optional<Duration> defaultMaxWait) {
        this.slots = new Semaphore(maxConcurrentActions, true);
        this.clock = clock;
        this.metrics = metrics;
        this.newBreaker = newBreaker;
        this.defaultMaxWait = defaultMaxWait;
    }

    /** A runner whose actions wait on an open breaker for as long as the target is down. */
    public ActionRunner(int maxConcurrentActions, Clock clock, DispatchMetrics metrics,
                        Supplier<CircuitBreaker> newBreaker) {
        this(maxConcurrentActions, clock, metrics, newBreaker, Optional.empty());
    }

    /**
     * Blocks until the action succeeded or failed for good; interrupted only by shutdown. The observer's
     * name, retry policy and breaker wait bound come from {@code run}. {@code onSuccess} runs before the
     * slot is freed, so an action counts as in flight until its success is recorded.
     */
    public Result run(ChangeEvent event, ObserverRun run, PlannedAction planned, String idempotencyKey,
                      OnSuccess onSuccess) throws InterruptedException {
        return attempts(event, run, planned, idempotencyKey, onSuccess, 1);
    }

    /** Whether {@code action}'s first attempt may run on the dispatching thread: inline, and no breaker to wait on. */
    public static boolean runsInline(Action action) {
        return action.inline() && action.target() == null;
    }

    /**
     * The first attempt of an {@link Action#inline} action, on the calling thread; null on success. A
     * failure is then carried on by {@link #retry}, on a thread that may wait.
     */
    public ActionFailure firstAttempt(ChangeEvent event, ObserverRun run, PlannedAction planned, String idempotencyKey)
            throws InterruptedException {
        if (!runsInline(planned.action())) {
            throw new IllegalArgumentException(planned.action().type() + " is not an inline action");
        }
        return attempt(event, run.observer(), 1, idempotencyKey, planned, OnSuccess.NOTHING);
    }

    /** Carries on an action whose first attempt failed with {@code failure}: its retries, as {@link #run} would. */
    public Result retry(ChangeEvent event, ObserverRun run, PlannedAction planned, String idempotencyKey,
                        OnSuccess onSuccess, ActionFailure failure) throws InterruptedException {
        if (!failure.isTransient() || !run.retry().hasAttemptAfter(1)) {
            return new Failed(failure, 1);
        }
        Thread.sleep(run.retry().delayAfter(1, ThreadLocalRandom.current().nextDouble()).toMillis());
        return attempts(event, run, planned, idempotencyKey, onSuccess, 2);
    }

    private Result attempts(ChangeEvent event, ObserverRun run, PlannedAction planned, String idempotencyKey,
                            OnSuccess onSuccess, int firstAttempt) throws InterruptedException {
        Action action = planned.action();
        CircuitBreaker breaker = action.target() == null ? null
                : breakers.computeIfAbsent(action.target(), t -> newBreaker.get());
        Patience patience = run.maxWait().isPresent() ? new Patience(run.maxWait(), "max_wait_ms")
                : new Patience(defaultMaxWait, "OBSERVERS_BREAKER_MAX_WAIT_MS");
        RetryPolicy retry = run.retry();
        int attempt = firstAttempt;
        while (true) {
            boolean probe = false;
            if (breaker != null) {
                CircuitBreaker.Permit permit = awaitBreaker(breaker, run.observer(), patience);
                if (permit == null) {
                    return new Failed(patience.exceeded(action), attempt - 1);
                }
                probe = permit instanceof CircuitBreaker.Permit.Probe;
            }
            ActionFailure failure;
            boolean answered = false;
            try {
                failure = attempt(event, run.observer(), attempt, idempotencyKey, planned, onSuccess);
                answered = true;
            } finally {
                if (probe && !answered) {
                    breaker.probeAbandoned();
                }
            }
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
            if (probe && failure.isTransient()) {
                continue;
            }
            if (!failure.isTransient() || !retry.hasAttemptAfter(attempt)) {
                return new Failed(failure, attempt);
            }
            Thread.sleep(retry.delayAfter(attempt, ThreadLocalRandom.current().nextDouble()).toMillis());
            attempt++;
        }
    }

    /** The breaker state of a target, for health and tests. */
    public CircuitBreaker.State breakerState(String target) {
        CircuitBreaker b = breakers.get(target);
        return b == null ? CircuitBreaker.State.CLOSED : b.state();
    }

    /** How many actions of {@code observer} are waiting on an open breaker right now. */
    public int waitingOnBreaker(String observer) {
        AtomicInteger waiting = waitingByObserver.get(observer);
        return waiting == null ? 0 : waiting.get();
    }

    /** The breaker wait one action may still spend, across all the times it finds its breaker open. */
    private static final class Patience {
        private final Optional<Duration> bound;
        private final String setting;
        private Duration waited = Duration.ZERO;

        Patience(Optional<Duration> bound, String setting) {
            this.bound = bound.filter(Duration::isPositive);
            this.setting = setting;
        }

        /** The longest pause before looking again, at most {@code wanted}; empty once the bound is spent. */
        Optional<Duration> pause(Duration wanted) {
            if (bound.isEmpty()) {
                return Optional.of(wanted);
            }
            Duration left = bound.get().minus(waited);
            return left.isPositive() ? Optional.of(wanted.compareTo(left) < 0 ? wanted : left) : Optional.empty();
        }

        void waited(Duration d) {
            waited = waited.plus(d);
        }

        ActionFailure exceeded(Action action) {
            return ActionFailure.permanent(CIRCUIT_OPEN, action.type() + " target " + action.target()
                    + " circuit breaker open for more than " + bound.orElseThrow().toMillis() + " ms (" + setting + ")");
        }
    }

    /**
     * Waits while the breaker is open, counted for {@link #waitingOnBreaker}; the permit it then grants, or
     * null once the action's patience is spent.
     */
    private CircuitBreaker.Permit awaitBreaker(CircuitBreaker breaker, String observer, Patience patience)
            throws InterruptedException {
        Instant now = clock.instant();
        CircuitBreaker.Permit permit = breaker.tryAcquire(now);
        if (!(permit instanceof CircuitBreaker.Permit.WaitUntil)) {
            return permit;
        }
        AtomicInteger waiting = waitingByObserver.computeIfAbsent(observer, o -> new AtomicInteger());
        waiting.incrementAndGet();
        try {
            while (permit instanceof CircuitBreaker.Permit.WaitUntil(Instant retryAt)) {
                Optional<Duration> pause = patience.pause(Duration.between(now, retryAt));
                if (pause.isEmpty()) {
                    return null;
                }
                Thread.sleep(Math.max(1, pause.get().toMillis()));
                Instant later = clock.instant();
                patience.waited(Duration.between(now, later));
                now = later;
                permit = breaker.tryAcquire(now);
            }
            return permit;
        } finally {
            waiting.decrementAndGet();
        }
    }

    /**
     * One attempt; null on success. An inline action runs here, without a slot, a thread or a timeout. The
     * attempt's deadline starts once it holds a slot: waiting behind other actions is not its own time.
     */
    private ActionFailure attempt(ChangeEvent event, String observer, int attempt, String idempotencyKey,
                                  PlannedAction planned, OnSuccess onSuccess) throws InterruptedException {
        Action action = planned.action();
        if (action.inline()) {
            return attemptInline(event, new Invocation(observer, attempt, idempotencyKey,
                    clock.instant().plus(planned.timeout())), action, onSuccess);
        }
        slots.acquire();
        long start = System.nanoTime();
        long took;
        ActionFailure failure;
        try {
            Invocation invocation = new Invocation(observer, attempt, idempotencyKey, clock.instant().plus(planned.timeout()));
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
                failure = e.getCause() instanceof ActionFailure af ? af : unexpected(action, e.getCause());
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

    private ActionFailure attemptInline(ChangeEvent event, Invocation invocation, Action action, OnSuccess onSuccess)
            throws InterruptedException {
        long start = System.nanoTime();
        ActionFailure failure;
        try {
            action.execute(event, invocation);
            failure = null;
        } catch (ActionFailure af) {
            failure = af;
        } catch (RuntimeException e) {
            failure = unexpected(action, e);
        }
        if (failure == null) {
            onSuccess.succeeded();
        }
        metrics.attempt(action.type(), Duration.ofNanos(System.nanoTime() - start),
                failure == null ? null : failure.errorType());
        return failure;
    }

    /** What an action that threw something other than an {@link ActionFailure} failed with: transient. */
    private static ActionFailure unexpected(Action action, Throwable cause) {
        return new ActionFailure(ActionFailure.Kind.TRANSIENT, "unexpected",
                action.type() + " failed unexpectedly: " + cause, cause);
    }

    /** Stops the attempts in flight; the owner calls it once every dispatcher sharing this runner has stopped. */
    public void close() {
        attempts.shutdownNow();
    }
}

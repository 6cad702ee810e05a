package dev.observers.dispatch;

import dev.observers.action.Action;
import dev.observers.action.ActionFailure;
import dev.observers.action.Invocation;
import dev.observers.changelog.ChangeEvent;
import dev.observers.observer.TestEvents;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntPredicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The runner against a target behind a circuit breaker: what waiting costs and how long it may last. */
class ActionRunnerTest {

    private static final String TARGET = "http://receiver:80";

    private final ChangeEvent event = TestEvents.insert("Order", "{\"total\": 12}");
    private final ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();
    private ActionRunner runner;

    @AfterEach
    void stop() {
        background.shutdownNow();
        if (runner != null) {
            runner.close();
        }
    }

    private ActionRunner runner(int threshold, Duration openFor, Duration maxOpen, Optional<Duration> defaultMaxWait) {
        runner = new ActionRunner(10, Clock.systemUTC(), new DispatchMetrics(new SimpleMeterRegistry()),
                () -> new CircuitBreaker(threshold, openFor, maxOpen), defaultMaxWait);
        return runner;
    }

    /** A webhook to {@link #TARGET} that records each call's attempt number and fails while {@code down} says so. */
    private record Target(List<Integer> attempts, IntPredicate down) implements Action {
        Target(IntPredicate down) {
            this(new CopyOnWriteArrayList<>(), down);
        }

        public String type() {
            return "webhook";
        }

        public String target() {
            return TARGET;
        }

        public void execute(ChangeEvent event, Invocation invocation) throws ActionFailure {
            attempts.add(invocation.attempt());
            if (down.test(attempts.size())) {
                throw ActionFailure.transientFailure("connect", "connection refused");
            }
        }
    }

    private static ObserverRun run(int maxAttempts, Optional<Duration> maxWait, Action action) {
        return ObserverRun.of("orders", List.of(new PlannedAction(0, action, Duration.ofSeconds(5))),
                new RetryPolicy(maxAttempts, 1, 1, BackoffStrategy.FIXED), FailurePolicy.DLQ).withMaxWait(maxWait);
    }

    private ActionRunner.Result runOnce(ObserverRun run) throws InterruptedException {
        return runner.run(event, run, run.actions().getFirst(), "key", ActionRunner.OnSuccess.NOTHING);
    }

    @Test
    void failedProbesOfAnOpenBreakerSpendNoAttempts() throws Exception {
        runner(2, Duration.ofMillis(10), Duration.ofMillis(40), Optional.empty());
        Target target = new Target(call -> call <= 4);

        ActionRunner.Result result = runOnce(run(3, Optional.empty(), target));

        assertThat(result).as("two closed-breaker failures, then two failed probes, then a success")
                .isEqualTo(new ActionRunner.Succeeded(3));
        assertThat(target.attempts()).containsExactly(1, 2, 3, 3, 3);
        assertThat(runner.breakerState(TARGET)).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(runner.waitingOnBreaker("orders")).isZero();
    }

    @Test
    void waitingLongerThanTheObserversMaxWaitFailsPermanentlyAsCircuitOpen() throws Exception {
        runner(1, Duration.ofMinutes(10), Duration.ofMinutes(10), Optional.empty());
        Target target = new Target(call -> true);

        ActionRunner.Result first = runOnce(run(5, Optional.of(Duration.ofMillis(30)), target));
        ActionRunner.Result second = runOnce(run(5, Optional.of(Duration.ofMillis(30)), target));

        assertThat(first).isInstanceOfSatisfying(ActionRunner.Failed.class, f -> {
            assertThat(f.attempts()).as("the failure that opened the breaker").isEqualTo(1);
            assertThat(f.failure().errorType()).isEqualTo(ActionRunner.CIRCUIT_OPEN);
            assertThat(f.failure().isTransient()).isFalse();
            assertThat(f.failure().getMessage()).isEqualTo("webhook target " + TARGET
                    + " circuit breaker open for more than 30 ms (max_wait_ms)");
        });
        assertThat(second).as("found the breaker open, so it never called")
                .isInstanceOfSatisfying(ActionRunner.Failed.class, f -> {
                    assertThat(f.attempts()).isZero();
                    assertThat(f.failure().errorType()).isEqualTo(ActionRunner.CIRCUIT_OPEN);
                });
        assertThat(target.attempts()).containsExactly(1);
        assertThat(runner.waitingOnBreaker("orders")).isZero();
    }

    @Test
    void theRunnersDefaultBoundsObserversWithoutTheirOwnAndAnObserversOwnWins() throws Exception {
        runner(1, Duration.ofMillis(20), Duration.ofMillis(20), Optional.of(Duration.ofMillis(5)));
        Target alwaysDown = new Target(call -> true);
        Target downTwice = new Target(call -> call <= 2);

        ActionRunner.Result bounded = runOnce(run(5, Optional.empty(), alwaysDown));
        ActionRunner.Result patient = runOnce(run(5, Optional.of(Duration.ofMinutes(1)), downTwice));

        assertThat(bounded).isInstanceOfSatisfying(ActionRunner.Failed.class, f -> assertThat(f.failure().getMessage())
                .isEqualTo("webhook target " + TARGET + " circuit breaker open for more than 5 ms"
                        + " (OBSERVERS_BREAKER_MAX_WAIT_MS)"));
        assertThat(patient).isEqualTo(new ActionRunner.Succeeded(1));
        assertThat(downTwice.attempts()).as("both failures were probes of the breaker the first run opened")
                .containsExactly(1, 1, 1);
    }

    @Test
    void withoutAMaxWaitAnActionWaitsUntilTheTargetAnswersAndIsCountedAsWaiting() throws Exception {
        runner(1, Duration.ofMillis(10), Duration.ofMillis(10), Optional.empty());
        AtomicBoolean up = new AtomicBoolean();
        Target target = new Target(call -> !up.get());

        Future<ActionRunner.Result> result = background.submit(() -> runOnce(run(2, Optional.empty(), target)));
        await().atMost(Duration.ofSeconds(10)).until(() -> target.attempts().size() >= 5
                && runner.waitingOnBreaker("orders") == 1);
        assertThat(result).isNotDone();
        assertThat(runner.waitingOnBreaker("someone_else")).isZero();
        up.set(true);

        assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo(new ActionRunner.Succeeded(2));
        assertThat(target.attempts()).as("every probe is attempt 2: the budget of 2 is never exceeded")
                .allMatch(n -> n <= 2).startsWith(1, 2, 2, 2);
        assertThat(runner.waitingOnBreaker("orders")).isZero();
    }

    @Test
    void anAttemptsDeadlineStartsWhenItHasASlotNotWhileItWaitsForOne() throws Exception {
        runner = new ActionRunner(1, Clock.systemUTC(), new DispatchMetrics(new SimpleMeterRegistry()),
                () -> new CircuitBreaker(5, Duration.ofSeconds(1), Duration.ofSeconds(1)));
        List<Duration> leftAtStart = new CopyOnWriteArrayList<>();
        Action slow = new Action() {
            public String type() {
                return "webhook";
            }

            public void execute(ChangeEvent e, Invocation invocation) throws InterruptedException {
                leftAtStart.add(Duration.between(java.time.Instant.now(), invocation.deadline()));
                Thread.sleep(150);
            }
        };
        ObserverRun run = ObserverRun.of("orders", List.of(new PlannedAction(0, slow, Duration.ofMillis(400))),
                new RetryPolicy(1, 1, 1, BackoffStrategy.FIXED), FailurePolicy.DLQ);
        List<Future<ActionRunner.Result>> results = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            results.add(background.submit(() -> runner.run(event, run, run.actions().getFirst(), "key",
                    ActionRunner.OnSuccess.NOTHING)));
        }
        for (Future<ActionRunner.Result> r : results) {
            assertThat(r.get(10, TimeUnit.SECONDS)).as("the fourth waits 450 ms for its slot, longer than its timeout")
                    .isEqualTo(new ActionRunner.Succeeded(1));
        }
        assertThat(leftAtStart).hasSize(4).allSatisfy(left -> assertThat(left).isGreaterThan(Duration.ofMillis(300)));
    }
}

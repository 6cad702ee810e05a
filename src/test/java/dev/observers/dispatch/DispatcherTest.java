package dev.observers.dispatch;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.observers.action.Action;
import dev.observers.action.ActionFailure;
import dev.observers.action.Invocation;
import dev.observers.changelog.ChangeEvent;
import dev.observers.changelog.EventKind;
import dev.observers.checkpoint.Position;
import dev.observers.dedup.Dedup;
import dev.observers.dedup.DedupStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class DispatcherTest {

    private final List<DeadLetter> deadLetters = new CopyOnWriteArrayList<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ActionRunner runner = new ActionRunner(50, Clock.systemUTC(), new DispatchMetrics(registry),
            () -> new CircuitBreaker(3, Duration.ofMillis(200), Duration.ofSeconds(1)));
    private final Dispatcher dispatcher = new Dispatcher("observers", runner, deadLetters::add,
            e -> JsonNodeFactory.instance.objectNode().put("id", e.id().toString()), new DispatchMetrics(registry),
            new Dedup(DedupStore.none(), "test:", Duration.ofMinutes(5), false, registry, Clock.systemUTC()));
    private long pk;

    @AfterEach
    void stop() {
        dispatcher.shutdownNow();
        runner.close();
    }

    private ChangeEvent event(String type, UUID entity) {
        pk++;
        return new ChangeEvent(new Position(100, pk), UUID.randomUUID(), EventKind.UPDATE, "UPDATE", type, entity,
                JsonNodeFactory.instance.objectNode().put("seq", pk), null, null, null, null, Instant.now(), null, null,
                null, null);
    }

    /** A test action: what it does per call is a small function of the event and attempt. */
    private record TestAction(String type, String target, Step step) implements Action {
        interface Step {
            void run(ChangeEvent e, Invocation i) throws ActionFailure, InterruptedException;
        }

        public void execute(ChangeEvent event, Invocation invocation) throws ActionFailure, InterruptedException {
            step.run(event, invocation);
        }
    }

    private static ObserverRun run(String name, RetryPolicy retry, FailurePolicy onFailure, Action... actions) {
        List<PlannedAction> planned = new ArrayList<>();
        for (int i = 0; i < actions.length; i++) {
            planned.add(new PlannedAction(i, actions[i], Duration.ofMillis(300)));
        }
        return ObserverRun.of(name, planned, retry, onFailure);
    }

    @Test
    void eventsOfOneEntityRunInLogOrderWhileEntitiesRunInParallel() throws Exception {
        Map<UUID, List<Long>> seenByEntity = new ConcurrentHashMap<>();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        Action record = new TestAction("log", null, (e, i) -> {
            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            Thread.sleep(5 + (e.pk() * 7) % 11);
            seenByEntity.computeIfAbsent(e.entityId(), k -> Collections.synchronizedList(new ArrayList<>())).add(e.pk());
            running.decrementAndGet();
        });
        List<UUID> entities = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
        CountDownLatch done = new CountDownLatch(200);
        for (int n = 0; n < 200; n++) {
            dispatcher.submit(event("Post", entities.get(n % 4)),
                    List.of(run("o", RetryPolicy.DEFAULT, FailurePolicy.DLQ, record)), done::countDown);
        }
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        for (List<Long> pks : seenByEntity.values()) {
            assertThat(pks).hasSize(50).isSorted();
        }
        assertThat(maxRunning.get()).as("different entities overlap").isGreaterThan(1);
        assertThat(deadLetters).isEmpty();
    }

    @Test
    void aPoisonEventIsDeadLetteredAfterItsRetriesAndNeverBlocksOtherEntities() throws Exception {
        UUID poisoned = UUID.randomUUID();
        List<String> order = new CopyOnWriteArrayList<>();
        Action flaky = new TestAction("webhook", null, (e, i) -> {
            if (e.entityId().equals(poisoned)) {
                throw ActionFailure.transientFailure("http_5xx", "503 from receiver");
            }
            order.add("ok-" + e.pk());
        });
        RetryPolicy retry = new RetryPolicy(3, 100, 1000, BackoffStrategy.FIXED);
        CountDownLatch done = new CountDownLatch(11);
        dispatcher.submit(event("Order", poisoned), List.of(run("orders", retry, FailurePolicy.DLQ, flaky)), () -> {
            order.add("poison-done");
            done.countDown();
        });
        for (int n = 0; n < 10; n++) {
            dispatcher.submit(event("Order", UUID.randomUUID()), List.of(run("orders", retry, FailurePolicy.DLQ, flaky)),
                    done::countDown);
        }
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(order.indexOf("poison-done")).as("the others finished first").isEqualTo(10);
        assertThat(deadLetters).singleElement().satisfies(d -> {
            assertThat(d.observer()).isEqualTo("orders");
            assertThat(d.attempts()).isEqualTo(3);
            assertThat(d.errorKind()).isEqualTo("action_failed");
            assertThat(d.error()).contains("503");
            assertThat(d.actionType()).isEqualTo("webhook");
        });
        assertThat(registry.get("observer_actions_failed_total").tag("error_type", "http_5xx").counter().count()).isEqualTo(3);
    }

    @Test
    void aTimedOutAttemptIsInterruptedAndRetried() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger interrupted = new AtomicInteger();
        Action slowOnce = new TestAction("webhook", null, (e, i) -> {
            if (calls.incrementAndGet() == 1) {
                try {
                    Thread.sleep(5_000);
                } catch (InterruptedException ie) {
                    interrupted.incrementAndGet();
                    throw ie;
                }
            }
        });
        CountDownLatch done = new CountDownLatch(1);
        dispatcher.submit(event("Post", UUID.randomUUID()),
                List.of(run("o", new RetryPolicy(2, 10, 10, BackoffStrategy.FIXED), FailurePolicy.DLQ, slowOnce)),
                done::countDown);
        assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(calls.get()).isEqualTo(2);
        assertThat(interrupted.get()).isEqualTo(1);
        assertThat(deadLetters).isEmpty();
        assertThat(registry.get("observer_actions_failed_total").tag("error_type", "timeout").counter().count()).isEqualTo(1);
    }

    @Test
    void aPermanentFailureIsNotRetried() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Action rejected = new TestAction("webhook", null, (e, i) -> {
            calls.incrementAndGet();
            throw ActionFailure.permanent("http_4xx", "400 Bad Request");
        });
        CountDownLatch done = new CountDownLatch(1);
        dispatcher.submit(event("Post", UUID.randomUUID()),
                List.of(run("o", RetryPolicy.DEFAULT, FailurePolicy.DLQ, rejected)), done::countDown);
        assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(calls.get()).isEqualTo(1);
        assertThat(deadLetters).singleElement().extracting(DeadLetter::attempts).isEqualTo(1);
    }

    @Test
    void actionsOfOneEventRunInParallelAndTheEventCompletesAfterAllOfThem() throws Exception {
        CountDownLatch bothStarted = new CountDownLatch(2);
        Action waitForTheOther = new TestAction("log", null, (e, i) -> {
            bothStarted.countDown();
            if (!bothStarted.await(2, TimeUnit.SECONDS)) {
                throw ActionFailure.permanent("serial", "actions of one event ran one after the other");
            }
        });
        CountDownLatch done = new CountDownLatch(1);
        dispatcher.submit(event("Post", UUID.randomUUID()), List.of(
                run("a", RetryPolicy.DEFAULT, FailurePolicy.DLQ, waitForTheOther),
                run("b", RetryPolicy.DEFAULT, FailurePolicy.DLQ, waitForTheOther)), done::countDown);
        assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(deadLetters).isEmpty();
    }

    @Test
    void whileTheBreakerIsOpenEventsWaitInsteadOfBeingDeadLettered() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        List<Instant> callTimes = new CopyOnWriteArrayList<>();
        Action downThenUp = new TestAction("webhook", "http://receiver:80", (e, i) -> {
            callTimes.add(Instant.now());
            if (calls.incrementAndGet() <= 3) {
                throw ActionFailure.transientFailure("connect", "connection refused");
            }
        });
        RetryPolicy retry = new RetryPolicy(5, 1, 1, BackoffStrategy.FIXED);
        CountDownLatch done = new CountDownLatch(1);
        dispatcher.submit(event("Post", UUID.randomUUID()),
                List.of(run("o", retry, FailurePolicy.DLQ, downThenUp)), done::countDown);
        assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(calls.get()).isEqualTo(4);
        assertThat(Duration.between(callTimes.get(2), callTimes.get(3))).as("paused while open")
                .isGreaterThanOrEqualTo(Duration.ofMillis(190));
        assertThat(deadLetters).isEmpty();
        assertThat(runner.breakerState("http://receiver:80")).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void anActionThatWaitsLongerThanItsMaxWaitOnAnOpenBreakerGoesToItsFailurePolicy() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Action down = new TestAction("webhook", "http://down:80", (e, i) -> {
            calls.incrementAndGet();
            throw ActionFailure.transientFailure("connect", "connection refused");
        });
        ObserverRun run = run("o", new RetryPolicy(10, 1, 1, BackoffStrategy.FIXED), FailurePolicy.DLQ, down)
                .withMaxWait(Optional.of(Duration.ofMillis(20)));
        CountDownLatch done = new CountDownLatch(1);

        dispatcher.submit(event("Post", UUID.randomUUID()), List.of(run), done::countDown);

        assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(calls.get()).as("the three failures that opened the breaker").isEqualTo(3);
        assertThat(deadLetters).singleElement().satisfies(d -> {
            assertThat(d.errorKind()).isEqualTo("action_failed");
            assertThat(d.error()).isEqualTo("webhook target http://down:80 circuit breaker open for more than 20 ms"
                    + " (max_wait_ms)");
            assertThat(d.attempts()).isEqualTo(3);
        });
    }

    @Test
    void shuttingOneDispatcherDownLeavesTheSharedRunnerToTheOthers() throws Exception {
        Dispatcher other = new Dispatcher("other", runner, deadLetters::add,
                e -> JsonNodeFactory.instance.objectNode(), new DispatchMetrics(registry),
                new Dedup(DedupStore.none(), "test:", Duration.ofMinutes(5), false, registry, Clock.systemUTC()));
        other.shutdownNow();
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(1);

        dispatcher.submit(event("Post", UUID.randomUUID()), List.of(run("o", RetryPolicy.DEFAULT, FailurePolicy.DLQ,
                new TestAction("log", null, (e, i) -> calls.incrementAndGet()))), done::countDown);

        assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(calls.get()).isEqualTo(1);
        assertThat(deadLetters).isEmpty();
    }

    @Test
    void aConditionErrorGoesToTheFailurePolicyWithoutRunningAnything() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        dispatcher.submit(event("Post", UUID.randomUUID()),
                List.of(ObserverRun.refused("published", "field 'status' is missing", FailurePolicy.DLQ)), done::countDown);
        assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(deadLetters).singleElement().satisfies(d -> {
            assertThat(d.errorKind()).isEqualTo("condition_error");
            assertThat(d.error()).contains("status");
        });
    }

    /** An inline test action: runs on the thread that dispatches the event. */
    private record InlineAction(Step step) implements Action {
        interface Step {
            void run(ChangeEvent e, Invocation i) throws ActionFailure;
        }

        public String type() {
            return "log";
        }

        public boolean inline() {
            return true;
        }

        public void execute(ChangeEvent event, Invocation invocation) throws ActionFailure {
            step.run(event, invocation);
        }
    }

    @Test
    void inlineActionsRunOnTheSubmittingThreadAndTheEventIsCompleteWhenSubmitReturns() {
        List<String> threads = new CopyOnWriteArrayList<>();
        AtomicInteger completed = new AtomicInteger();
        Action log = new InlineAction((e, i) -> threads.add(Thread.currentThread().getName()));

        for (int n = 0; n < 5; n++) {
            dispatcher.submit(event("Post", UUID.randomUUID()), List.of(run("a", RetryPolicy.DEFAULT, FailurePolicy.DLQ, log),
                    run("b", RetryPolicy.DEFAULT, FailurePolicy.DLQ, log, log)), completed::incrementAndGet);
        }

        assertThat(completed.get()).isEqualTo(5);
        assertThat(threads).hasSize(15).containsOnly(Thread.currentThread().getName());
        assertThat(registry.get("observer_event_delay_seconds").tag("stage", "done").timer().count()).isEqualTo(5);
        assertThat(registry.get("observer_actions_executed_total").tag("action_type", "log").counter().count()).isEqualTo(15);
    }

    @Test
    void aFailingInlineActionIsRetriedOffTheSubmittingThreadWhileItsEntityWaitsAndOthersGoOn() throws Exception {
        UUID poisoned = UUID.randomUUID();
        List<String> order = new CopyOnWriteArrayList<>();
        AtomicInteger attempts = new AtomicInteger();
        Action log = new InlineAction((e, i) -> {
            if (e.entityId().equals(poisoned) && e.data().get("seq").asLong() == 1) {
                attempts.incrementAndGet();
                throw ActionFailure.transientFailure("unexpected", "cannot render");
            }
            order.add(e.entityId().equals(poisoned) ? "poisoned-" + e.pk() : "other");
        });
        RetryPolicy retry = new RetryPolicy(3, 200, 1000, BackoffStrategy.FIXED);
        CountDownLatch done = new CountDownLatch(12);

        long began = System.nanoTime();
        dispatcher.submit(event("Order", poisoned), List.of(run("orders", retry, FailurePolicy.DLQ, log)), done::countDown);
        dispatcher.submit(event("Order", poisoned), List.of(run("orders", retry, FailurePolicy.DLQ, log)), done::countDown);
        for (int n = 0; n < 10; n++) {
            dispatcher.submit(event("Order", UUID.randomUUID()), List.of(run("orders", retry, FailurePolicy.DLQ, log)),
                    done::countDown);
        }
        long submitMs = (System.nanoTime() - began) / 1_000_000;

        assertThat(submitMs).as("the retries' 2 x 200 ms backoff is not spent on the submitting thread").isLessThan(300);
        assertThat(order).containsOnly("other").hasSize(10);
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(attempts.get()).isEqualTo(3);
        assertThat(order).last().isEqualTo("poisoned-2");
        assertThat(deadLetters).singleElement().satisfies(d -> {
            assertThat(d.attempts()).isEqualTo(3);
            assertThat(d.changeLogPk()).isEqualTo(1);
            assertThat(d.actionType()).isEqualTo("log");
        });
    }
}

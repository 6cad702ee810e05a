package dev.observers.dispatch;

import dev.observers.action.Action;
import dev.observers.action.ActionFailure;
import dev.observers.action.Invocation;
import dev.observers.changelog.ChangeEvent;
import dev.observers.dedup.Dedup;
import dev.observers.dedup.DedupStore;
import dev.observers.observer.TestEvents;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The steps of one observer's run, as the daemon and a dead-letter retry both take them. */
class RunExecutorTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ActionRunner runner = new ActionRunner(10, Clock.systemUTC(), new DispatchMetrics(registry),
            () -> new CircuitBreaker(Integer.MAX_VALUE, Duration.ofSeconds(1), Duration.ofSeconds(1)));
    private final Set<String> doneKeys = ConcurrentHashMap.newKeySet();
    private final AtomicInteger dedupChecks = new AtomicInteger();
    private final Dedup dedup = new Dedup(new DedupStore() {
        public Set<String> done(Collection<String> keys) {
            dedupChecks.incrementAndGet();
            return keys.stream().filter(doneKeys::contains).collect(Collectors.toSet());
        }

        public void markDone(Collection<String> keys, Duration window) {
            doneKeys.addAll(keys);
        }
    }, "test:", Duration.ofMinutes(5), false, registry, Clock.systemUTC());
    private final RunExecutor executor = new RunExecutor("observers", runner, dedup);
    private final ChangeEvent event = TestEvents.insert("Order", "{\"total\": 12}");
    private final List<ChangeEvent> ran = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        runner.close();
    }

    private Action succeeding() {
        return action(null);
    }

    private Action action(ActionFailure failure) {
        return new Action() {
            public String type() {
                return "webhook";
            }

            public void execute(ChangeEvent e, Invocation invocation) throws ActionFailure {
                ran.add(e);
                if (failure != null) {
                    throw failure;
                }
            }
        };
    }

    private static List<PlannedAction> planned(Action... actions) {
        return java.util.stream.IntStream.range(0, actions.length)
                .mapToObj(i -> new PlannedAction(i, actions[i], Duration.ofSeconds(5))).toList();
    }

    private static final RetryPolicy THREE_QUICK = new RetryPolicy(3, 1, 1, BackoffStrategy.FIXED);

    @Test
    void anUnavailableGateIsRetriedPerThePolicyThenRefusedAsLookupFailed() throws Exception {
        AtomicInteger checks = new AtomicInteger();
        ObserverRun run = ObserverRun.gated("enrich", planned(succeeding()), THREE_QUICK, FailurePolicy.DLQ, e -> {
            checks.incrementAndGet();
            return new Gate.Unavailable("customer lookup: connection refused");
        });

        var outcome = executor.execute(event, run, RunExecutor.Check.CHECK);

        assertThat(outcome).isEqualTo(new RunExecutor.Refused("customer lookup: connection refused",
                RunExecutor.LOOKUP_FAILED, 3));
        assertThat(checks.get()).isEqualTo(3);
        assertThat(ran).isEmpty();
        assertThat(dedupChecks.get()).as("nothing checked for a run that does not fire").isZero();
    }

    @Test
    void aGateThatFiresRunsTheActionsOnTheEnrichedEventAndASkipRunsNothing() throws Exception {
        ChangeEvent enriched = TestEvents.insert("Order", "{\"total\": 12, \"customer\": {\"tier\": \"gold\"}}");
        ObserverRun fires = ObserverRun.gated("vip", planned(succeeding()), THREE_QUICK, FailurePolicy.DLQ,
                e -> new Gate.Fire(enriched));
        ObserverRun skips = ObserverRun.gated("vip", planned(succeeding()), THREE_QUICK, FailurePolicy.DLQ,
                e -> new Gate.Skip());

        var fired = executor.execute(event, fires, RunExecutor.Check.CHECK);
        var skipped = executor.execute(event, skips, RunExecutor.Check.CHECK);

        assertThat(fired).isInstanceOfSatisfying(RunExecutor.Ran.class, r -> assertThat(r.actions())
                .singleElement().isInstanceOf(RunExecutor.Succeeded.class));
        assertThat(ran).containsExactly(enriched);
        assertThat(doneKeys).as("keyed by the event as read, not as enriched")
                .containsExactly(dedup.key("observers", event, "vip", 0));
        assertThat(skipped).isEqualTo(new RunExecutor.Skipped());
    }

    @Test
    void checkingHereSkipsWhatTheDedupWindowSaysIsDoneAndAFailureLeavesNoMark() throws Exception {
        doneKeys.add(dedup.key("observers", event, "notify", 0));
        ObserverRun run = ObserverRun.of("notify", planned(succeeding(), succeeding(),
                action(ActionFailure.permanent("http_4xx", "410 Gone"))), THREE_QUICK, FailurePolicy.DLQ);

        var outcome = executor.execute(event, run, RunExecutor.Check.CHECK);

        assertThat(outcome).isInstanceOfSatisfying(RunExecutor.Ran.class, r -> {
            assertThat(r.actions()).extracting(RunExecutor.ActionOutcome::action).extracting(PlannedAction::index)
                    .containsExactly(0, 1, 2);
            assertThat(r.actions().get(0)).isInstanceOf(RunExecutor.AlreadyDone.class);
            assertThat(r.actions().get(1)).isInstanceOfSatisfying(RunExecutor.Succeeded.class,
                    s -> assertThat(s.attempts()).isEqualTo(1));
            assertThat(r.actions().get(2)).isInstanceOfSatisfying(RunExecutor.Failed.class,
                    f -> assertThat(f.failure().getMessage()).isEqualTo("410 Gone"));
        });
        assertThat(ran).hasSize(2);
        assertThat(doneKeys).contains(dedup.key("observers", event, "notify", 1))
                .doesNotContain(dedup.key("observers", event, "notify", 2));
    }

    @Test
    void aRunWhoseCallerCheckedItsActionsIsNotCheckedAgain() throws Exception {
        doneKeys.add(dedup.key("observers", event, "notify", 0));
        ObserverRun run = ObserverRun.of("notify", planned(succeeding()), THREE_QUICK, FailurePolicy.DLQ);

        var outcome = executor.execute(event, run, RunExecutor.Check.ALREADY_CHECKED);

        assertThat(outcome).isInstanceOfSatisfying(RunExecutor.Ran.class, r -> assertThat(r.actions())
                .singleElement().isInstanceOf(RunExecutor.Succeeded.class));
        assertThat(dedupChecks.get()).isZero();
        assertThat(ran).hasSize(1);
    }

    @Test
    void aRefusedRunRunsNothing() throws Exception {
        var outcome = executor.execute(event, ObserverRun.refused("vip", "no field tier", FailurePolicy.DLQ),
                RunExecutor.Check.CHECK);

        assertThat(outcome).isEqualTo(new RunExecutor.Refused("no field tier", StoredDeadLetter.CONDITION_ERROR, 0));
        assertThat(ran).isEmpty();
    }
}

package dev.observers.dispatch;

import dev.observers.action.Action;
import dev.observers.action.ActionFailure;
import dev.observers.action.EventJson;
import dev.observers.action.Invocation;
import dev.observers.changelog.ChangeEvent;
import dev.observers.changelog.ChangeLogReader;
import dev.observers.changelog.EventMapper;
import dev.observers.dedup.Dedup;
import dev.observers.dedup.DedupStore;
import dev.observers.testing.TestServers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Retrying dead letters against the real table: what resolves, what stays, what is not even tried. */
class DeadLetterRetryTest {

    private static Pool pool;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ActionRunner runner = new ActionRunner(10, Clock.systemUTC(), new DispatchMetrics(registry),
            () -> new CircuitBreaker(Integer.MAX_VALUE, Duration.ofSeconds(1), Duration.ofSeconds(1)));
    private final Set<String> doneKeys = ConcurrentHashMap.newKeySet();
    private final Dedup dedup = new Dedup(new DedupStore() {
        public Set<String> done(Collection<String> keys) {
            return keys.stream().filter(doneKeys::contains).collect(Collectors.toSet());
        }

        public void markDone(Collection<String> keys, Duration window) {
            doneKeys.addAll(keys);
        }
    }, "test:", Duration.ofMinutes(5), false, registry, Clock.systemUTC());
    private final List<ChangeEvent> ran = new CopyOnWriteArrayList<>();
    private final DeadLetterTable table = new DeadLetterTable(pool);

    @BeforeAll
    static void setUp() {
        pool = TestServers.migratedPool(TestServers.newDatabase(DeadLetterRetryTest.class));
    }

    @AfterAll
    static void tearDown() {
        pool.closeAndAwait();
    }

    @AfterEach
    void stop() {
        runner.close();
    }

    private Action succeeding() {
        return new Action() {
            public String type() {
                return "webhook";
            }

            public String target() {
                return "http://receiver";
            }

            public void execute(ChangeEvent event, Invocation invocation) {
                ran.add(event);
            }
        };
    }

    private Action failing() {
        return new Action() {
            public String type() {
                return "webhook";
            }

            public String target() {
                return "http://receiver";
            }

            public void execute(ChangeEvent event, Invocation invocation) throws ActionFailure {
                throw ActionFailure.permanent("http_4xx", "webhook answered 410 Gone");
            }
        };
    }

    private static ObserverRun runOf(String observer, Action... actions) {
        List<PlannedAction> planned = new java.util.ArrayList<>();
        for (int i = 0; i < actions.length; i++) {
            planned.add(new PlannedAction(i, actions[i], Duration.ofSeconds(5)));
        }
        return ObserverRun.of(observer, planned, new RetryPolicy(2, 1, 10, BackoffStrategy.FIXED), FailurePolicy.DLQ);
    }

    private DeadLetterRetry retry(EventPlanner planner, String... observers) {
        return new DeadLetterRetry(table, new ChangeLogReader(pool), Set.of(observers), planner, runner, dedup);
    }

    private static ChangeEvent newEvent() {
        long pk = pool.query("INSERT INTO core.tb_entity_change_log (object_type, object_id, modification_type,"
                        + " object_data) VALUES ('Order', gen_random_uuid(), 'INSERT', '{\"total\": 12}')"
                        + " RETURNING pk_entity_change_log").execute().await().indefinitely().iterator().next().getLong(0);
        var row = new ChangeLogReader(pool).read(pk).orElseThrow();
        return ((EventMapper.Ok) EventMapper.map(row)).event();
    }

    private StoredDeadLetter deadLetter(ChangeEvent event, String observer, Integer action, String kind) {
        new PgDeadLetterStore(pool).add(new DeadLetter("observers", event.pk(), event.id(), event.entityType(),
                event.entityId(), observer, action, action == null ? null : "webhook", EventJson.of(event),
                "webhook answered 503", kind, 3));
        long id = pool.preparedQuery("SELECT max(pk_dead_letter) FROM core.observer_dead_letters WHERE change_log_pk = $1")
                .execute(Tuple.of(event.pk())).await().indefinitely().iterator().next().getLong(0);
        return table.get(id).orElseThrow();
    }

    @Test
    void aFailedActionThatNowSucceedsIsResolvedWithTheEventReReadFromTheLog() throws Exception {
        ChangeEvent event = newEvent();
        StoredDeadLetter item = deadLetter(event, "notify", 0, StoredDeadLetter.ACTION_FAILED);

        var outcome = retry(e -> List.of(runOf("notify", succeeding())), "notify").retry(item);

        assertThat(outcome).isInstanceOf(DeadLetterRetry.Resolved.class);
        assertThat(outcome.message()).contains("action 0 (webhook) succeeded in 1 attempt");
        assertThat(ran).hasSize(1);
        assertThat(ran.getFirst().id()).isEqualTo(event.id());
        assertThat(ran.getFirst().position()).as("re-read, so the real position").isEqualTo(event.position());
        StoredDeadLetter after = table.get(item.id()).orElseThrow();
        assertThat(after.resolved()).isTrue();
        assertThat(after.resolvedAt()).isPresent();
        assertThat(doneKeys).containsExactly(dedup.key("observers", event, "notify", 0));
        assertThat(table.openCount()).isZero();
        assertThat(pool.preparedQuery("SELECT jsonb_typeof(event) FROM core.observer_dead_letters WHERE pk_dead_letter = $1")
                .execute(Tuple.of(item.id())).await().indefinitely().iterator().next().getString(0))
                .as("the event is stored as a JSON object, not a string").isEqualTo("object");
    }

    @Test
    void onlyTheFailedActionRunsAgainAndAFailureIsRecordedOnTheItem() throws Exception {
        ChangeEvent event = newEvent();
        StoredDeadLetter item = deadLetter(event, "notify", 1, StoredDeadLetter.ACTION_FAILED);

        var outcome = retry(e -> List.of(runOf("notify", succeeding(), failing())), "notify").retry(item);

        assertThat(outcome).isInstanceOf(DeadLetterRetry.StillFailing.class);
        assertThat(outcome.message()).contains("410 Gone");
        assertThat(ran).as("action 0 had succeeded before; it is not repeated").isEmpty();
        StoredDeadLetter after = table.get(item.id()).orElseThrow();
        assertThat(after.resolved()).isFalse();
        assertThat(after.attempts()).isEqualTo(4);
        assertThat(after.error()).contains("410 Gone");
        assertThat(after.lastFailedAt()).isAfterOrEqualTo(item.lastFailedAt());
        table.resolve(item.id());
    }

    @Test
    void whenTheRowIsGoneTheStoredEventIsRetried() throws Exception {
        ChangeEvent event = newEvent();
        StoredDeadLetter item = deadLetter(event, "notify", 0, StoredDeadLetter.ACTION_FAILED);
        pool.preparedQuery("DELETE FROM core.tb_entity_change_log WHERE pk_entity_change_log = $1")
                .execute(Tuple.of(event.pk())).await().indefinitely();

        var outcome = retry(e -> List.of(runOf("notify", succeeding())), "notify").retry(item);

        assertThat(outcome).isInstanceOf(DeadLetterRetry.Resolved.class);
        assertThat(EventJson.of(ran.getFirst())).isEqualTo(EventJson.of(event));
    }

    @Test
    void anActionAlreadyDoneWithinTheDedupWindowIsNotRepeated() throws Exception {
        ChangeEvent event = newEvent();
        StoredDeadLetter item = deadLetter(event, "notify", 0, StoredDeadLetter.ACTION_FAILED);
        doneKeys.add(dedup.key("observers", event, "notify", 0));

        var outcome = retry(e -> List.of(runOf("notify", succeeding())), "notify").retry(item);

        assertThat(outcome).isInstanceOf(DeadLetterRetry.Resolved.class);
        assertThat(outcome.message()).contains("already done within the dedup window");
        assertThat(ran).isEmpty();
    }

    @Test
    void vanishedObserversAndUnreadableRowsAreReportedAndLeftAlone() throws Exception {
        ChangeEvent event = newEvent();
        StoredDeadLetter gone = deadLetter(event, "removed_observer", 0, StoredDeadLetter.ACTION_FAILED);
        StoredDeadLetter unreadable = deadLetter(newEvent(), null, null, StoredDeadLetter.UNREADABLE_ROW);
        StoredDeadLetter refusedDocument = deadLetter(newEvent(), "search:events", null, StoredDeadLetter.INDEX_REJECTED);
        DeadLetterRetry retry = retry(e -> List.of(runOf("notify", succeeding())), "notify");

        var first = retry.retry(gone);
        var second = retry.retry(unreadable);
        var third = retry.retry(refusedDocument);
        assertThat(third).isInstanceOf(DeadLetterRetry.NotRetried.class);
        assertThat(third.message()).contains("Elasticsearch refused the search document",
                "observers replay --subscription search:events --from " + refusedDocument.changeLogPk());
        table.resolve(refusedDocument.id());

        assertThat(first).isInstanceOf(DeadLetterRetry.NotRetried.class);
        assertThat(first.message()).contains("observer removed_observer no longer exists");
        assertThat(second).isInstanceOf(DeadLetterRetry.NotRetried.class);
        assertThat(second.message()).contains("cannot be retried");
        assertThat(ran).isEmpty();
        assertThat(table.get(gone.id()).orElseThrow()).isEqualTo(gone);
        assertThat(table.get(unreadable.id()).orElseThrow()).isEqualTo(unreadable);
        table.resolve(gone.id());
        table.resolve(unreadable.id());
    }

    @Test
    void aConditionErrorIsEvaluatedAgainBeforeAnythingRuns() throws Exception {
        StoredDeadLetter stillBroken = deadLetter(newEvent(), "vip", null, StoredDeadLetter.CONDITION_ERROR);
        StoredDeadLetter nowFalse = deadLetter(newEvent(), "vip", null, StoredDeadLetter.CONDITION_ERROR);
        StoredDeadLetter nowTrue = deadLetter(newEvent(), "vip", null, StoredDeadLetter.CONDITION_ERROR);

        var broken = retry(e -> List.of(ObserverRun.refused("vip", "condition 'tier == gold' cannot be evaluated:"
                + " no field tier", FailurePolicy.DLQ)), "vip").retry(stillBroken);
        var falseNow = retry(e -> List.of(), "vip").retry(nowFalse);
        var trueNow = retry(e -> List.of(runOf("vip", succeeding(), succeeding())), "vip").retry(nowTrue);

        assertThat(broken).isInstanceOf(DeadLetterRetry.StillFailing.class);
        assertThat(table.get(stillBroken.id()).orElseThrow().error()).contains("no field tier");
        assertThat(falseNow).isInstanceOf(DeadLetterRetry.Resolved.class);
        assertThat(falseNow.message()).contains("now false");
        assertThat(trueNow).isInstanceOf(DeadLetterRetry.Resolved.class);
        assertThat(ran).as("every action of the observer ran").hasSize(2);
        table.resolve(stillBroken.id());
    }

    @Test
    void retryingAResolvedItemDoesNothing() throws Exception {
        StoredDeadLetter item = deadLetter(newEvent(), "notify", 0, StoredDeadLetter.ACTION_FAILED);
        table.resolve(item.id());
        var outcome = retry(e -> List.of(runOf("notify", succeeding())), "notify").retry(table.get(item.id()).orElseThrow());
        assertThat(outcome).isInstanceOf(DeadLetterRetry.NotRetried.class);
        assertThat(outcome.message()).isEqualTo("already resolved");
        assertThat(ran).isEmpty();
    }

    @Test
    void purgeDeletesOnlyWhatItIsToldTo() {
        StoredDeadLetter open = deadLetter(newEvent(), "notify", 0, StoredDeadLetter.ACTION_FAILED);
        StoredDeadLetter done = deadLetter(newEvent(), "notify", 0, StoredDeadLetter.ACTION_FAILED);
        table.resolve(done.id());

        assertThat(table.purge(java.util.Optional.of(java.time.OffsetDateTime.now().minusDays(1)), false)).isZero();
        assertThat(table.purge(java.util.Optional.empty(), true)).isGreaterThanOrEqualTo(1);
        assertThat(table.get(done.id())).isEmpty();
        assertThat(table.get(open.id())).isPresent();
        table.resolve(open.id());
    }

    @Test
    void countsGroupUnresolvedItemsByObserverAndKind() {
        UUID marker = UUID.randomUUID();
        StoredDeadLetter a = deadLetter(newEvent(), "count_" + marker, 0, StoredDeadLetter.ACTION_FAILED);
        StoredDeadLetter b = deadLetter(newEvent(), "count_" + marker, 0, StoredDeadLetter.ACTION_FAILED);
        assertThat(table.openCounts()).contains(new DeadLetterTable.Count("count_" + marker, "action_failed", 2));
        table.resolve(a.id());
        table.resolve(b.id());
        assertThat(table.openCounts()).extracting(DeadLetterTable.Count::observer).doesNotContain("count_" + marker);
    }
}

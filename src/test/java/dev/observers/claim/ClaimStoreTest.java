package dev.observers.claim;

import dev.observers.checkpoint.PgCheckpointStore;
import dev.observers.checkpoint.Position;
import dev.observers.testing.TestServers;
import io.vertx.mutiny.sqlclient.Pool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Cursors and claims in a real PostgreSQL: where new cursors start, who may write them, how claims move. */
class ClaimStoreTest {

    private static final Duration LEASE = Duration.ofSeconds(30);

    private static Pool pool;

    @BeforeAll
    static void setUp() {
        pool = TestServers.migratedPool(TestServers.newDatabase(ClaimStoreTest.class));
    }

    @AfterAll
    static void tearDown() {
        pool.closeAndAwait();
    }

    @BeforeEach
    void emptyTables() {
        pool.query("TRUNCATE public.observer_checkpoints, public.observer_daemons, core.tb_entity_change_log")
                .execute().await().indefinitely();
    }

    private static List<Position> insert(int n) {
        return pool.query("INSERT INTO core.tb_entity_change_log (object_type, object_id, modification_type)"
                        + " SELECT 'C', gen_random_uuid(), 'INSERT' FROM generate_series(1, " + n + ")"
                        + " RETURNING txid::text, pk_entity_change_log").execute().await().indefinitely().stream()
                .map(r -> new Position(Long.parseUnsignedLong(r.getString(0)), r.getLong(1))).sorted().toList();
    }

    private static List<ClaimId> claims(String observer, int partitions) {
        return java.util.stream.IntStream.range(0, partitions)
                .mapToObj(p -> new ClaimId(ClaimId.observer(observer), p, partitions)).toList();
    }

    private static ClaimStore store(String instance) {
        return new ClaimStore(pool, instance, LEASE, 100);
    }

    private static Position cursor(ClaimId claim) {
        return new PgCheckpointStore(pool, 100, "t").load(claim.listenerId()).orElseThrow();
    }

    @Test
    void aFirstRunStartsAtTheBeginningAndAnObserverAddedLaterAtTheTail() {
        List<Position> before = insert(5);
        ClaimStore store = store("a");
        store.ensure(claims("first", 2));
        assertThat(claims("first", 2)).allSatisfy(c -> assertThat(cursor(c)).isEqualTo(Position.START));

        List<Position> later = insert(3);
        store.ensure(claims("added", 2));
        assertThat(claims("added", 2)).allSatisfy(c -> assertThat(cursor(c)).isEqualTo(later.getLast()));
        assertThat(before).isNotEmpty();
    }

    @Test
    void anUpgradedDatabaseStartsEverySubscriptionAtTheOldSingleCursorAndRemovesIt() {
        List<Position> rows = insert(10);
        Position middle = rows.get(4);
        new PgCheckpointStore(pool, 100, "old").save(ClaimStore.LEGACY_LISTENER, middle, 5);

        store("a").ensure(List.of(claims("x", 3), claims("y", 1)).stream().flatMap(List::stream).toList());

        assertThat(claims("x", 3)).allSatisfy(c -> assertThat(cursor(c)).isEqualTo(middle));
        assertThat(cursor(claims("y", 1).getFirst())).isEqualTo(middle);
        assertThat(new PgCheckpointStore(pool, 100, "t").load(ClaimStore.LEGACY_LISTENER)).isEmpty();
    }

    @Test
    void aNewPartitionCountStartsAtTheOldestOldCursorAndRetiresTheOldOnes() {
        List<Position> rows = insert(10);
        ClaimStore store = store("a");
        store.ensure(claims("x", 2));
        PgCheckpointStore plain = new PgCheckpointStore(pool, 100, "t");
        plain.save("observer:x#0/2", rows.get(7), 8);
        plain.save("observer:x#1/2", rows.get(2), 3);

        store.ensure(claims("x", 4));

        assertThat(claims("x", 4)).allSatisfy(c -> assertThat(cursor(c)).isEqualTo(rows.get(2)));
        assertThat(plain.load("observer:x#0/2")).isEmpty();
        assertThat(plain.load("observer:x#1/2")).isEmpty();
    }

    @Test
    void aClaimHasOneOwnerUntilItIsReleasedAndTheOwnersWritesAreFenced() {
        List<Position> rows = insert(4);
        ClaimId claim = claims("x", 1).getFirst();
        ClaimStore a = store("a");
        ClaimStore b = store("b");
        a.ensure(List.of(claim));

        assertThat(a.claim(claim)).contains(Position.START);
        assertThat(b.claim(claim)).isEmpty();
        assertThat(b.renew(List.of(new ClaimStore.Save(claim.listenerId(), rows.getLast(), 4)))).isEmpty();
        assertThat(cursor(claim)).isEqualTo(Position.START);

        assertThat(a.renew(List.of(new ClaimStore.Save(claim.listenerId(), rows.get(1), 2))))
                .containsExactly(claim.listenerId());
        assertThat(a.renew(List.of(new ClaimStore.Save(claim.listenerId(), rows.get(0), 0,
                Optional.of("waiting on an open circuit breaker"))))).containsExactly(claim.listenerId());
        assertThat(pool.query("SELECT last_error FROM public.observer_checkpoints").execute().await().indefinitely()
                .iterator().next().getString(0)).isEqualTo("waiting on an open circuit breaker");
        assertThat(cursor(claim)).as("a cursor never moves backwards").isEqualTo(rows.get(1));

        assertThat(a.release(List.of(new ClaimStore.Save(claim.listenerId(), rows.get(2), 1))))
                .containsExactly(claim.listenerId());
        assertThat(b.claim(claim)).contains(rows.get(2));
        assertThat(a.renew(List.of(new ClaimStore.Save(claim.listenerId(), rows.getLast(), 1))))
                .as("the old owner can no longer write").isEmpty();
        assertThat(store("b").cursors()).singleElement().satisfies(c -> assertThat(c.leasedBy()).contains("b"));
    }

    @Test
    void anExpiredLeaseIsFreeToTake() {
        ClaimId claim = claims("x", 1).getFirst();
        ClaimStore dead = new ClaimStore(pool, "dead", Duration.ofMillis(1), 100);
        dead.ensure(List.of(claim));
        assertThat(dead.claim(claim)).isPresent();
        pool.query("SELECT pg_sleep(0.05)").execute().await().indefinitely();
        assertThat(store("b").claim(claim)).isPresent();
        assertThat(store("b").cursors()).singleElement().satisfies(c -> assertThat(c.leasedBy()).contains("b"));
    }

    @Test
    void heartbeatsCountTheLiveDaemonsAndLeavingTakesOneOff() {
        ClaimStore a = store("a");
        ClaimStore b = store("b");
        assertThat(a.heartbeat()).containsExactly("a");
        assertThat(b.heartbeat()).containsExactly("a", "b");
        assertThat(a.heartbeat()).containsExactly("a", "b");
        b.leave();
        assertThat(a.heartbeat()).containsExactly("a");
    }
}

package dev.observers.checkpoint;

import dev.observers.testing.TestServers;
import io.vertx.mutiny.sqlclient.Pool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Lag is counted in log order from the saved checkpoint, bounded, and aged by the first unprocessed row. */
class LagReaderTest {

    private Pool pool;

    @BeforeEach
    void freshDatabase() {
        pool = TestServers.migratedPool(TestServers.newDatabase(LagReaderTest.class));
    }

    @AfterEach
    void close() {
        pool.closeAndAwait();
    }

    private List<Position> insert(int n, String createdAgo) {
        return pool.query("INSERT INTO core.tb_entity_change_log (object_type, modification_type, created_at)"
                        + " SELECT 'Lag', 'INSERT', now() - interval '" + createdAgo + "' FROM generate_series(1, " + n + ")"
                        + " RETURNING txid::text, pk_entity_change_log").execute().await().indefinitely()
                .stream().map(r -> new Position(Long.parseUnsignedLong(r.getString(0)), r.getLong(1))).toList();
    }

    @Test
    void countsRowsAfterTheCheckpointAndAgesTheOldestUnprocessedOne() {
        List<Position> old = insert(3, "2 hours");
        insert(4, "1 minute");
        PgCheckpointStore store = new PgCheckpointStore(pool, 100, "test");

        ListenerLag never = new LagReader(pool).of(List.of("lag-a")).getFirst();
        assertThat(never.saved()).isFalse();
        assertThat(never.checkpoint()).isEqualTo(Position.START);
        assertThat(never.eventsBehind()).isEqualTo(7);
        assertThat(never.age()).isBetween(Duration.ofMinutes(119), Duration.ofMinutes(121));

        store.save("lag-a", old.get(1), 2);
        ListenerLag some = new LagReader(pool).of(List.of("lag-a")).getFirst();
        assertThat(some.saved()).isTrue();
        assertThat(some.checkpoint()).isEqualTo(old.get(1));
        assertThat(some.eventsBehind()).isEqualTo(5);
        assertThat(some.capped()).isFalse();
        assertThat(some.updatedBy()).contains("test");

        ListenerLag capped = new LagReader(pool, 3).of(List.of("lag-a")).getFirst();
        assertThat(capped.eventsBehind()).isEqualTo(3);
        assertThat(capped.capped()).isTrue();
    }

    @Test
    void aListenerAtTheHeadHasNoLagAndEveryStoredListenerIsListed() {
        List<Position> rows = insert(2, "1 second");
        new PgCheckpointStore(pool, 100, "test").save("lag-head", rows.getLast(), 2);

        List<ListenerLag> all = new LagReader(pool).all(List.of("lag-never-saved"));
        assertThat(all).extracting(ListenerLag::listenerId).contains("lag-head", "lag-never-saved");
        ListenerLag head = all.stream().filter(l -> l.listenerId().equals("lag-head")).findFirst().orElseThrow();
        assertThat(head.eventsBehind()).isZero();
        assertThat(head.age()).isEqualTo(Duration.ZERO);
    }
}

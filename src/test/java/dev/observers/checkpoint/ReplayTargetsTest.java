package dev.observers.checkpoint;

import dev.observers.testing.TestServers;
import io.vertx.mutiny.sqlclient.Pool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Where a replay starts, found in a real change log, and a checkpoint moved back for real. */
class ReplayTargetsTest {

    private static Pool pool;
    private static List<Position> rows;

    @BeforeAll
    static void setUp() {
        pool = TestServers.migratedPool(TestServers.newDatabase(ReplayTargetsTest.class));
        pool.query("INSERT INTO core.tb_entity_change_log (object_type, modification_type, created_at)"
                + " SELECT 'R', 'INSERT', timestamptz '2025-03-01 00:00Z' + g * interval '1 hour'"
                + " FROM generate_series(1, 3) g").execute().await().indefinitely();
        pool.query("INSERT INTO core.tb_entity_change_log (object_type, modification_type, created_at)"
                + " SELECT 'R', 'INSERT', timestamptz '2025-03-01 00:00Z' + g * interval '1 hour'"
                + " FROM generate_series(4, 5) g").execute().await().indefinitely();
        rows = pool.query("SELECT txid::text, pk_entity_change_log FROM core.tb_entity_change_log"
                        + " ORDER BY txid, pk_entity_change_log").execute().await().indefinitely().stream()
                .map(r -> new Position(Long.parseUnsignedLong(r.getString(0)), r.getLong(1))).toList();
    }

    @AfterAll
    static void tearDown() {
        pool.closeAndAwait();
    }

    @Test
    void findsRowsByPkAndByTimeAndThePositionJustBeforeThem() {
        ReplayTargets targets = new ReplayTargets(pool);
        assertThat(targets.ofRow(rows.get(3).pk())).contains(rows.get(3));
        assertThat(targets.ofRow(999_999)).isEmpty();
        assertThat(targets.before(rows.get(3))).as("across transactions").isEqualTo(rows.get(2));
        assertThat(targets.before(rows.get(1))).isEqualTo(rows.get(0));
        assertThat(targets.before(rows.get(0))).isEqualTo(Position.START);
        assertThat(targets.firstAtOrAfter(Instant.parse("2025-03-01T02:30:00Z"))).contains(rows.get(2));
        assertThat(targets.firstAtOrAfter(Instant.parse("2025-03-02T00:00:00Z"))).isEmpty();
        assertThat(targets.rowsBetween(rows.get(0), rows.get(3), 100)).isEqualTo(3);
        assertThat(targets.rowsBetween(rows.get(0), rows.get(3), 2)).isEqualTo(2);
        assertThat(targets.listeningDaemons()).isZero();
    }

    @Test
    void anExplicitMoveGoesBackWhereADaemonSaveWouldNot() {
        PgCheckpointStore store = new PgCheckpointStore(pool, 100, "test");
        store.save("replay-test", rows.get(4), 5);
        store.save("replay-test", rows.get(1), 0);
        assertThat(store.load("replay-test")).as("a late save never moves back").contains(rows.get(4));
        store.moveTo("replay-test", rows.get(1));
        assertThat(store.load("replay-test")).contains(rows.get(1));
        store.moveTo("never-saved", Position.START);
        assertThat(store.load("never-saved")).contains(Position.START);
    }
}

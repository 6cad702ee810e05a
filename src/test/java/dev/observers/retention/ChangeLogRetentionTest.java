package dev.observers.retention;

import dev.observers.checkpoint.PgCheckpointStore;
import dev.observers.checkpoint.Position;
import dev.observers.testing.TestServers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Retention against a real PostgreSQL: what goes, what stays, and who sweeps. */
class ChangeLogRetentionTest {

    private Pool pool;
    private SimpleMeterRegistry registry;

    @BeforeEach
    void freshDatabase() {
        pool = TestServers.migratedPool(TestServers.newDatabase(ChangeLogRetentionTest.class));
        registry = new SimpleMeterRegistry();
    }

    @AfterEach
    void close() {
        pool.closeAndAwait();
    }

    private List<Position> insert(int n, String createdAgo) {
        return pool.query("INSERT INTO core.tb_entity_change_log (object_type, modification_type, created_at)"
                        + " SELECT 'Kept', 'INSERT', now() - interval '" + createdAgo + "' FROM generate_series(1, " + n + ")"
                        + " RETURNING txid::text, pk_entity_change_log").execute().await().indefinitely()
                .stream().map(r -> new Position(Long.parseUnsignedLong(r.getString(0)), r.getLong(1))).toList();
    }

    private List<Long> remaining() {
        return pool.query("SELECT pk_entity_change_log FROM core.tb_entity_change_log ORDER BY pk_entity_change_log")
                .execute().await().indefinitely().stream().map(r -> r.getLong(0)).toList();
    }

    private ChangeLogRetention retention(Duration period, int batchSize) {
        return new ChangeLogRetention(pool, period, batchSize, Clock.systemUTC(), registry);
    }

    private void cursor(String listener, Position at) {
        new PgCheckpointStore(pool, 100, "test").save(listener, at, 1);
    }

    private void deadLetter(long pk, String status) {
        pool.preparedQuery("INSERT INTO core.observer_dead_letters (listener_id, observer_name, change_log_pk, error,"
                        + " error_kind, status) VALUES ('observer:x#0/1', 'x', $1, 'boom', 'permanent', $2)")
                .execute(Tuple.of(pk, status)).await().indefinitely();
    }

    @Test
    void deletesOldRowsEveryCursorPassedAndKeepsWhatAStoppedSubscriptionHasNotRead() throws Exception {
        List<Position> old = insert(25, "2 hours");
        List<Position> young = insert(5, "1 minute");
        cursor("observer:running#0/1", young.getLast());
        cursor("observer:stopped#0/1", old.get(19));

        ChangeLogRetention.Sweep sweep = retention(Duration.ofHours(1), 7).sweep();

        assertThat(sweep.deleted()).isEqualTo(20);
        assertThat(sweep.statements()).as("batches of 7").isGreaterThanOrEqualTo(3);
        assertThat(remaining()).containsExactlyElementsOf(
                Stream.concat(old.subList(20, 25).stream(), young.stream()).map(Position::pk).toList());
        assertThat(registry.counter("observer_changelog_rows_deleted_total").count()).isEqualTo(20);

        cursor("observer:stopped#0/1", young.getLast());
        assertThat(retention(Duration.ofHours(1), 7).sweep().deleted()).as("once the stopped one moves on").isEqualTo(5);
        assertThat(remaining()).containsExactlyElementsOf(young.stream().map(Position::pk).toList());
    }

    @Test
    void keepsRowsYoungerThanTheRetentionEvenWhenEveryCursorPassedThem() throws Exception {
        List<Position> rows = insert(10, "10 minutes");
        cursor("observer:a#0/1", rows.getLast());

        assertThat(retention(Duration.ofHours(1), 100).sweep().deleted()).isZero();
        assertThat(remaining()).hasSize(10);
        assertThat(retention(Duration.ofMinutes(5), 100).sweep().deleted()).isEqualTo(10);
    }

    @Test
    void keepsARowAnUnresolvedDeadLetterNamesAndDeletesItOnceResolved() throws Exception {
        List<Position> rows = insert(30, "3 days");
        cursor("observer:x#0/1", rows.getLast());
        for (int i = 0; i < 12; i++) {
            deadLetter(rows.get(i).pk(), "pending");
        }
        deadLetter(rows.get(20).pk(), "retrying");
        deadLetter(rows.get(21).pk(), "resolved");

        assertThat(retention(Duration.ofDays(1), 5).sweep().deleted())
                .as("a first batch of dead-lettered rows does not stop the sweep").isEqualTo(17);
        assertThat(remaining()).containsExactlyElementsOf(Stream.concat(
                rows.subList(0, 12).stream(), Stream.of(rows.get(20))).map(Position::pk).toList());

        pool.query("UPDATE core.observer_dead_letters SET status = 'resolved'").execute().await().indefinitely();
        assertThat(retention(Duration.ofDays(1), 5).sweep().deleted()).isEqualTo(13);
        assertThat(remaining()).isEmpty();
    }

    @Test
    void deletesNothingBeforeAnySubscriptionHasACursor() throws Exception {
        insert(5, "3 days");

        assertThat(retention(Duration.ofSeconds(1), 100).sweep().deleted()).isZero();
        assertThat(remaining()).hasSize(5);
    }

    @Test
    void aDaemonLeavesTheSweepToTheOneHoldingIt() throws Exception {
        List<Position> rows = insert(5, "3 days");
        cursor("observer:x#0/1", rows.getLast());
        SqlConnection other = pool.getConnectionAndAwait();
        Transaction holding = other.beginAndAwait();
        other.query("SELECT pg_advisory_xact_lock(" + 0x6f62732d72657469L + ")").executeAndAwait();
        try {
            ChangeLogRetention.Sweep sweep = retention(Duration.ofDays(1), 100).sweep();
            assertThat(sweep.lockedOut()).isTrue();
            assertThat(sweep.deleted()).isZero();
        } finally {
            holding.rollbackAndAwait();
            other.closeAndAwait();
        }
        assertThat(retention(Duration.ofDays(1), 100).sweep().deleted()).isEqualTo(5);
    }
}

package dev.observers.daemon;

import dev.observers.checkpoint.LagReader;
import dev.observers.checkpoint.PgCheckpointStore;
import dev.observers.checkpoint.Position;
import dev.observers.dispatch.DeadLetterTable;
import dev.observers.testing.TestServers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.mutiny.sqlclient.Pool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The lag and dead-letter gauges follow the database, refreshed on their period. */
class BacklogGaugesTest {

    private static Pool pool;

    @BeforeAll
    static void setUp() {
        pool = TestServers.migratedPool(TestServers.newDatabase(BacklogGaugesTest.class));
    }

    @AfterAll
    static void tearDown() {
        pool.closeAndAwait();
    }

    @Test
    void gaugesShowTheFurthestBehindCursorOfEachSubscriptionAndUnresolvedDeadLettersAsTheyChange() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        var rows = pool.query("INSERT INTO core.tb_entity_change_log (object_type, modification_type, created_at)"
                        + " SELECT 'G', 'INSERT', now() - interval '10 minutes' FROM generate_series(1, 6)"
                        + " RETURNING txid::text, pk_entity_change_log").execute().await().indefinitely().stream()
                .map(r -> new Position(Long.parseUnsignedLong(r.getString(0)), r.getLong(1))).toList();
        pool.query("INSERT INTO core.observer_dead_letters (listener_id, change_log_pk, observer_name, error, error_kind)"
                + " VALUES ('observers', 1, 'a', 'e', 'action_failed'), ('observers', 2, 'a', 'e', 'action_failed')")
                .execute().await().indefinitely();

        PgCheckpointStore cursors = new PgCheckpointStore(pool, 100, "test");
        cursors.save("observer:a#0/2", rows.get(3), 4);
        cursors.save("observer:a#1/2", Position.START, 0);
        try (BacklogGauges gauges = new BacklogGauges(new LagReader(pool), new DeadLetterTable(pool),
                () -> List.of("observer:a"), registry, Duration.ofMillis(100))) {
            gauges.start();
            assertThat(registry.get("observer_checkpoint_lag_events").tag("listener", "observer:a").gauge().value())
                    .isEqualTo(6);
            assertThat(registry.get("observer_checkpoint_lag_seconds").tag("listener", "observer:a").gauge().value())
                    .isBetween(590.0, 700.0);
            assertThat(registry.get("observer_dlq_items").gauge().value()).isEqualTo(2);
            assertThat(gauges.lagOf("observer:a")).isPresent();

            cursors.save("observer:a#1/2", rows.get(4), 5);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(registry.get("observer_checkpoint_lag_events").gauge().value()).isEqualTo(2));
            cursors.save("observer:a#0/2", rows.getLast(), 6);
            cursors.save("observer:a#1/2", rows.getLast(), 6);
            pool.query("UPDATE core.observer_dead_letters SET status = 'resolved'").execute().await().indefinitely();
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                assertThat(registry.get("observer_checkpoint_lag_events").gauge().value()).isZero();
                assertThat(registry.get("observer_checkpoint_lag_seconds").gauge().value()).isZero();
                assertThat(registry.get("observer_dlq_items").gauge().value()).isZero();
            });
        }
    }
}

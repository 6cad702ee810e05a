package dev.observers.postgres;

import dev.observers.claim.ClaimStore;
import dev.observers.config.PgUrl;
import dev.observers.testing.PostgresServer;
import dev.observers.testing.TestServers;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.pubsub.PgSubscriber;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class MigrationTest {

    /** A FraiseQL deployment's log as FraiseQL's own migration shapes it, with a column of the user's own. */
    private static final String FRAISEQL_LOG = """
            CREATE SCHEMA core;
            CREATE TABLE core.tb_entity_change_log (
                pk_entity_change_log BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                id UUID NOT NULL DEFAULT gen_random_uuid(),
                created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                tenant_id UUID,
                object_type TEXT NOT NULL,
                object_id UUID,
                modification_type TEXT NOT NULL,
                object_data JSONB,
                object_data_before JSONB,
                seq BIGINT,
                users_own_column TEXT NOT NULL DEFAULT 'kept');
            INSERT INTO core.tb_entity_change_log (object_type, object_id, modification_type, object_data, seq)
            SELECT 'Order', gen_random_uuid(), 'INSERT', jsonb_build_object('n', g), g FROM generate_series(1, 500) g;
            """;

    @Test
    void migratingAFraiseqlLogKeepsEveryRowAndColumnAndIsIdempotent() throws Exception {
        PgUrl url = TestServers.newDatabase(MigrationTest.class);
        try (Connection c = PostgresServer.connect(url); Statement s = c.createStatement()) {
            s.execute(FRAISEQL_LOG);
            String rowsBefore = dump(s, "SELECT pk_entity_change_log, id, created_at, object_type, object_id,"
                    + " modification_type, object_data, seq, users_own_column FROM core.tb_entity_change_log ORDER BY 1");

            Pool pool = pool(url);
            try {
                assertThat(new Migrator(pool).migrate()).containsExactlyElementsOf(Migrator.MIGRATIONS);
                String schemaAfterFirst = schema(s);
                assertThat(new Migrator(pool).migrate()).isEmpty();
                assertThat(schema(s)).isEqualTo(schemaAfterFirst);
            } finally {
                pool.closeAndAwait();
            }

            assertThat(dump(s, "SELECT pk_entity_change_log, id, created_at, object_type, object_id,"
                    + " modification_type, object_data, seq, users_own_column FROM core.tb_entity_change_log ORDER BY 1"))
                    .isEqualTo(rowsBefore);
            assertThat(dump(s, "SELECT count(*) FILTER (WHERE txid IS NULL), count(*) FROM core.tb_entity_change_log"))
                    .isEqualTo("500|500\n");
            assertThat(columns(s)).contains("users_own_column", "seq", "txid", "trace_id", "extra_metadata",
                    "updated_fields", "fk_contact");

            s.execute("INSERT INTO core.tb_entity_change_log (object_type, modification_type) VALUES ('Order', 'INSERT')");
            assertThat(dump(s, "SELECT txid IS NOT NULL, id IS NOT NULL FROM core.tb_entity_change_log"
                    + " ORDER BY pk_entity_change_log DESC LIMIT 1")).isEqualTo("t|t\n");
            assertThat(dump(s, "SELECT count(*) FROM core.observer_dead_letters")).isEqualTo("0\n");
            assertThat(dump(s, "SELECT count(*) FROM public.observer_checkpoints")).isEqualTo("0\n");
            assertThat(dump(s, "SELECT indisvalid FROM pg_index WHERE indexrelid ="
                    + " 'core.tb_entity_change_log_observers_position'::regclass")).isEqualTo("t\n");
        }
    }

    @Test
    void daemonsMigratingOneFreshDatabaseAtOnceAllSucceedAndEachFileAppliesOnce() throws Exception {
        PgUrl url = TestServers.newDatabase(MigrationTest.class);
        List<Pool> pools = List.of(pool(url), pool(url), pool(url));
        var threads = java.util.concurrent.Executors.newFixedThreadPool(pools.size());
        try {
            List<java.util.concurrent.Future<List<String>>> runs = new ArrayList<>();
            for (Pool p : pools) {
                runs.add(threads.submit(() -> new Migrator(p).migrate()));
            }
            List<String> applied = new ArrayList<>();
            for (var run : runs) {
                applied.addAll(run.get());
            }
            assertThat(applied).containsExactlyInAnyOrderElementsOf(Migrator.MIGRATIONS);
        } finally {
            threads.shutdownNow();
            pools.forEach(Pool::closeAndAwait);
        }
    }

    @Test
    void anEmptyDatabaseGetsTheWholeContract() throws Exception {
        PgUrl url = TestServers.newDatabase(MigrationTest.class);
        Pool pool = pool(url);
        try {
            new Migrator(pool).migrate();
        } finally {
            pool.closeAndAwait();
        }
        try (Connection c = PostgresServer.connect(url); Statement s = c.createStatement()) {
            assertThat(columns(s)).containsExactlyInAnyOrder("pk_entity_change_log", "id", "created_at", "tenant_id",
                    "fk_customer_org", "fk_contact", "object_type", "object_id", "modification_type", "object_data",
                    "object_data_before", "updated_fields", "cascade", "trace_id", "trace_context", "change_status",
                    "extra_metadata", "txid");
        }
    }

    @Test
    void anInsertIntoTheLogNotifiesAtCommitOnlyWhileADaemonAsksForIt() throws Exception {
        PgUrl url = TestServers.newDatabase(MigrationTest.class);
        Pool pool = pool(url);
        PgSubscriber subscriber = PgSubscriber.subscriber(TestServers.vertx().getDelegate(), Postgres.connectOptions(url));
        BlockingQueue<String> notified = new LinkedBlockingQueue<>();
        CompletableFuture<Void> subscribed = new CompletableFuture<>();
        try {
            new Migrator(pool).migrate();
            subscriber.channel("observers_change_log").subscribeHandler(v -> subscribed.complete(null))
                    .handler(notified::add);
            subscriber.connect().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            subscribed.get(10, TimeUnit.SECONDS);

            insertAndCommit(url, notified);
            assertThat(notified.poll(500, TimeUnit.MILLISECONDS)).as("no daemon: nobody to wake").isNull();

            ClaimStore daemon = new ClaimStore(pool, "d1", Duration.ofSeconds(30), 100);
            daemon.heartbeat();
            assertThat(insertAndCommit(url, notified)).as("a starting daemon asks for wake-ups").isEmpty();

            daemon.wakeups(false);
            insertAndCommit(url, notified);
            assertThat(notified.poll(500, TimeUnit.MILLISECONDS)).as("a daemon reading on its own").isNull();
            daemon.heartbeat();
            insertAndCommit(url, notified);
            assertThat(notified.poll(500, TimeUnit.MILLISECONDS)).as("a heartbeat keeps the answer").isNull();

            daemon.wakeups(true);
            assertThat(insertAndCommit(url, notified)).isEmpty();

            pool.query("UPDATE public.observer_daemons SET wakeup_until = now() - interval '1 second'")
                    .execute().await().indefinitely();
            insertAndCommit(url, notified);
            assertThat(notified.poll(500, TimeUnit.MILLISECONDS)).as("a request of a daemon that stopped renewing it")
                    .isNull();
        } finally {
            subscriber.close();
            pool.closeAndAwait();
        }
    }

    /** Inserts a row, checks nothing is notified before the commit, commits; the notification, if any, within 10 s. */
    private static String insertAndCommit(PgUrl url, BlockingQueue<String> notified) throws Exception {
        try (Connection c = PostgresServer.connect(url); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("INSERT INTO core.tb_entity_change_log (object_type, modification_type) VALUES ('Post', 'INSERT')");
            assertThat(notified.poll(200, TimeUnit.MILLISECONDS)).as("nothing before the commit").isNull();
            c.commit();
        }
        return notified.poll(10, TimeUnit.SECONDS);
    }

    private static Pool pool(PgUrl url) {
        return TestServers.pool(url);
    }

    private static List<String> columns(Statement s) throws SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("SELECT column_name FROM information_schema.columns"
                + " WHERE table_schema = 'core' AND table_name = 'tb_entity_change_log'")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static String schema(Statement s) throws SQLException {
        return dump(s, """
                SELECT table_schema, table_name, column_name, data_type, is_nullable, coalesce(column_default, '')
                  FROM information_schema.columns WHERE table_schema IN ('core', 'public')
                 UNION ALL
                SELECT schemaname, tablename, indexname, indexdef, '', '' FROM pg_indexes
                 WHERE schemaname IN ('core', 'public')
                 UNION ALL
                SELECT 'trigger', event_object_table, trigger_name, action_timing, event_manipulation, action_statement
                  FROM information_schema.triggers
                 ORDER BY 1, 2, 3""");
    }

    private static String dump(Statement s, String sql) throws SQLException {
        StringBuilder sb = new StringBuilder();
        try (ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                for (int i = 1; i <= n; i++) {
                    sb.append(i > 1 ? "|" : "").append(rs.getString(i));
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }
}

package dev.observers.cli;

import dev.observers.config.PgUrl;
import dev.observers.testing.DaemonProcess;
import dev.observers.testing.HttpReceiver;
import dev.observers.testing.PostgresServer;
import dev.observers.testing.TestServers;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The packaged daemon end to end: rows written with SQL become webhook deliveries, across stops and crashes. */
class PipelineIT {

    static Path observers(HttpReceiver receiver, String entity) throws Exception {
        Path file = Files.createTempFile("observers-", ".yaml");
        Files.writeString(file, """
                observers:
                  notify_receiver:
                    event_type: [INSERT, UPDATE]
                    entity: %s
                    actions:
                      - type: webhook
                        url: %s
                    retry:
                      max_attempts: 5
                      initial_delay_ms: 50
                      max_delay_ms: 500
                      backoff_strategy: exponential
                    on_failure: dlq
                """.formatted(entity, receiver.url("/hook")));
        return file;
    }

    static Map<String, String> env(PgUrl db, Path observers, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of(
                "OBSERVERS_DB_URL", db.toUrl(),
                "OBSERVERS_REDIS_URL", TestServers.redis().address(),
                "OBSERVERS_CONFIG", observers.toString()));
        env.putAll(extra);
        return env;
    }

    static List<String> insert(PgUrl db, String entity, int n) throws Exception {
        List<String> ids = new ArrayList<>();
        try (Connection c = PostgresServer.connect(db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("INSERT INTO core.tb_entity_change_log (object_type, object_id,"
                     + " modification_type, object_data) SELECT '" + entity + "', gen_random_uuid(), 'INSERT',"
                     + " jsonb_build_object('n', g) FROM generate_series(1, " + n + ") g RETURNING id")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    @Test
    void changesWrittenWithSqlReachTheWebhookWithTheirEventIds() throws Exception {
        PgUrl db = TestServers.newDatabase(PipelineIT.class);
        try (HttpReceiver receiver = new HttpReceiver();
             DaemonProcess daemon = DaemonProcess.start(env(db, observers(receiver, "Post"), Map.of()), "run")) {
            daemon.awaitOutput("observers running", Duration.ofSeconds(60));
            List<String> ids = new ArrayList<>();
            try (Connection c = PostgresServer.connect(db); Statement s = c.createStatement()) {
                for (int i = 0; i < 3; i++) {
                    ResultSet rs = s.executeQuery("INSERT INTO core.tb_entity_change_log (object_type, object_id,"
                            + " modification_type, object_data) VALUES ('Post', gen_random_uuid(), 'INSERT',"
                            + " '{\"title\": \"hello\"}') RETURNING id");
                    rs.next();
                    ids.add(rs.getString(1));
                }
                s.execute("INSERT INTO core.tb_entity_change_log (object_type, modification_type) VALUES ('User', 'INSERT')");
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> receiver.requests().size() >= 3);
            Thread.sleep(300);
            assertThat(receiver.requests()).hasSize(3);
            assertThat(receiver.deliveriesByEventId().keySet()).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(receiver.requests().getFirst().body()).contains("\"entity_type\":\"Post\"", "hello");
            assertThat(daemon.stop(Duration.ofSeconds(30))).isZero();
        }
    }

    @Test
    void aGracefulStopAndRestartDeliversEveryEventExactlyOnce() throws Exception {
        PgUrl db = TestServers.newDatabase(PipelineIT.class);
        try (HttpReceiver receiver = new HttpReceiver()) {
            Path file = observers(receiver, "Order");
            Map<String, String> env = env(db, file, Map.of("OBSERVERS_CHECKPOINT_BATCH_SIZE", "50"));
            List<String> ids;
            try (DaemonProcess first = DaemonProcess.start(env, "run")) {
                first.awaitOutput("observers running", Duration.ofSeconds(60));
                ids = new ArrayList<>(insert(db, "Order", 2000));
                await().atMost(Duration.ofSeconds(30)).until(() -> receiver.requests().size() >= 500);
                assertThat(first.stop(Duration.ofSeconds(30))).isZero();
            }
            ids.addAll(insert(db, "Order", 300));
            try (DaemonProcess second = DaemonProcess.start(env, "run")) {
                second.awaitOutput("observers running", Duration.ofSeconds(60));
                await().atMost(Duration.ofSeconds(60)).until(() -> receiver.deliveriesByEventId().size() >= ids.size());
                Thread.sleep(500);
                assertThat(second.stop(Duration.ofSeconds(30))).isZero();
            }
            assertThat(receiver.deliveriesByEventId().keySet()).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(receiver.deliveriesByEventId().values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        }
    }

    @Test
    void afterKillDashNineNothingIsLostAndReplayIsBoundedByTheCheckpointBatch() throws Exception {
        PgUrl db = TestServers.newDatabase(PipelineIT.class);
        int batch = 100;
        int maxConcurrent = 16;
        try (HttpReceiver receiver = new HttpReceiver()) {
            Path file = observers(receiver, "Invoice");
            Map<String, String> env = env(db, file, Map.of(
                    "OBSERVERS_CHECKPOINT_BATCH_SIZE", String.valueOf(batch),
                    "OBSERVERS_CHECKPOINT_INTERVAL_MS", "600000",
                    "OBSERVERS_MAX_CONCURRENT_ACTIONS", String.valueOf(maxConcurrent)));
            List<String> ids;
            try (DaemonProcess first = DaemonProcess.start(env, "run")) {
                first.awaitOutput("observers running", Duration.ofSeconds(60));
                ids = insert(db, "Invoice", 3000);
                await().atMost(Duration.ofSeconds(30)).until(() -> receiver.requests().size() >= 1200);
                first.kill();
            }
            int beforeRestart = receiver.requests().size();
            try (DaemonProcess second = DaemonProcess.start(env, "run")) {
                second.awaitOutput("observers running", Duration.ofSeconds(60));
                await().atMost(Duration.ofSeconds(60)).until(() -> receiver.deliveriesByEventId().size() >= ids.size());
                Thread.sleep(500);
                second.stop(Duration.ofSeconds(30));
            }
            assertThat(receiver.deliveriesByEventId().keySet()).containsExactlyInAnyOrderElementsOf(ids);
            long repeats = receiver.deliveriesByEventId().values().stream().mapToInt(AtomicInteger::get).filter(n -> n > 1)
                    .count();
            System.out.printf("kill -9 after %d deliveries: %d events delivered twice (checkpoint batch %d)%n",
                    beforeRestart, repeats, batch);
            assertThat(repeats).isLessThanOrEqualTo(2L * batch + maxConcurrent);
        }
    }

    @Test
    void aPoisonEventIsDeadLetteredWhileOtherEntitiesFlowAndMetricsCountIt() throws Exception {
        PgUrl db = TestServers.newDatabase(PipelineIT.class);
        try (HttpReceiver receiver = new HttpReceiver()) {
            receiver.respondWith(body -> body.contains("poison") ? 500 : 200);
            try (DaemonProcess daemon = DaemonProcess.start(env(db, observers(receiver, "Post"), Map.of()), "run")) {
                daemon.awaitOutput("observers running", Duration.ofSeconds(60));
                String poison;
                try (Connection c = PostgresServer.connect(db); Statement s = c.createStatement()) {
                    ResultSet rs = s.executeQuery("INSERT INTO core.tb_entity_change_log (object_type, object_id,"
                            + " modification_type, object_data) VALUES ('Post', gen_random_uuid(), 'INSERT',"
                            + " '{\"title\": \"poison\"}') RETURNING id");
                    rs.next();
                    poison = rs.getString(1);
                    s.execute("INSERT INTO core.tb_entity_change_log (object_type, modification_type) VALUES ('Post', 'MERGE')");
                }
                List<String> healthy = insert(db, "Post", 20);
                await().atMost(Duration.ofSeconds(20)).until(() -> receiver.deliveriesByEventId().keySet().containsAll(healthy));
                await().atMost(Duration.ofSeconds(20)).until(() -> count(db, "SELECT count(*) FROM core.observer_dead_letters") == 2);
                try (Connection c = PostgresServer.connect(db); Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT event_id::text, observer_name, action_type, attempts, error_kind,"
                             + " error FROM core.observer_dead_letters ORDER BY change_log_pk")) {
                    rs.next();
                    assertThat(rs.getString(1)).isEqualTo(poison);
                    assertThat(rs.getString(2)).isEqualTo("notify_receiver");
                    assertThat(rs.getString(3)).isEqualTo("webhook");
                    assertThat(rs.getInt(4)).isEqualTo(5);
                    assertThat(rs.getString(5)).isEqualTo("action_failed");
                    assertThat(rs.getString(6)).contains("500");
                    rs.next();
                    assertThat(rs.getString(5)).isEqualTo("unreadable_row");
                    assertThat(rs.getString(6)).contains("MERGE");
                }
                String metrics = daemon.body("/q/metrics");
                assertThat(metrics).contains("observer_events_processed_total", "observer_actions_executed_total",
                        "observer_actions_failed_total{action_type=\"webhook\",error_type=\"http_5xx\"",
                        "observer_action_duration_seconds_bucket");
                assertThat(daemon.stop(Duration.ofSeconds(30))).isZero();
            }
        }
    }

    @Test
    void anEditedDefinitionsFileIsReloadedAndABrokenEditIsRefused() throws Exception {
        PgUrl db = TestServers.newDatabase(PipelineIT.class);
        try (HttpReceiver receiver = new HttpReceiver()) {
            Path file = observers(receiver, "Post");
            try (DaemonProcess daemon = DaemonProcess.start(env(db, file, Map.of()), "run")) {
                daemon.awaitOutput("observers running", Duration.ofSeconds(60));
                Files.writeString(file, Files.readString(file).replace("entity: Post", "entity: Comment"));
                daemon.awaitOutput("reloaded", Duration.ofSeconds(10));
                List<String> comments = insert(db, "Comment", 3);
                insert(db, "Post", 3);
                await().atMost(Duration.ofSeconds(20)).until(() -> receiver.deliveriesByEventId().size() >= 3);

                Files.writeString(file, Files.readString(file).replace("type: webhook", "type: webhok"));
                daemon.awaitOutput("refused the edit", Duration.ofSeconds(10));
                assertThat(daemon.output()).contains(file.toString() + ":");
                List<String> more = insert(db, "Comment", 2);
                await().atMost(Duration.ofSeconds(20)).until(() -> receiver.deliveriesByEventId().size() >= 5);
                Thread.sleep(300);
                assertThat(receiver.deliveriesByEventId().keySet())
                        .containsExactlyInAnyOrderElementsOf(concat(comments, more));
                assertThat(daemon.stop(Duration.ofSeconds(30))).isZero();
            }
        }
    }

    @Test
    void aMalformedDefinitionsFileStopsTheDaemonNamingFileLineAndField() throws Exception {
        PgUrl db = TestServers.newDatabase(PipelineIT.class);
        Path file = Files.createTempFile("broken-", ".yaml");
        Files.writeString(file, """
                observers:
                  broken:
                    entity: Post
                    event_type: INSERT
                    condition: "status == "
                    actions:
                      - type: webhook
                """);
        try (DaemonProcess daemon = DaemonProcess.start(env(db, file, Map.of()), "run")) {
            assertThat(daemon.waitForExit(Duration.ofSeconds(60))).isEqualTo(2);
            assertThat(daemon.output()).contains(file + ":5:", "condition", file + ":7:", "url");
        }
    }

    private static long count(PgUrl db, String sql) throws Exception {
        try (Connection c = PostgresServer.connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}

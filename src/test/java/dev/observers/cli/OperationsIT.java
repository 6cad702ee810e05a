package dev.observers.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.observers.config.PgUrl;
import dev.observers.testing.DaemonProcess;
import dev.observers.testing.HttpReceiver;
import dev.observers.testing.PostgresServer;
import dev.observers.testing.TestServers;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.observers.cli.PipelineIT.env;
import static dev.observers.cli.PipelineIT.insert;
import static dev.observers.cli.PipelineIT.observers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The operator's commands against a real daemon and database: status, replay, dlq retry. */
class OperationsIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A command's exit code and everything it printed (stdout and stderr). */
    record Cli(int exit, String output) {
        JsonNode json() throws Exception {
            return JSON.readTree(output.substring(output.indexOf('{'), output.lastIndexOf('}') + 1));
        }
    }

    static Cli cli(Map<String, String> env, String... args) throws Exception {
        try (DaemonProcess command = DaemonProcess.start(env, args)) {
            int exit = command.waitForExit(Duration.ofSeconds(90));
            return new Cli(exit, command.output());
        }
    }

    private static long eventsBehind(Map<String, String> env) throws Exception {
        Cli status = cli(env, "status", "--json");
        assertThat(status.exit()).as(status.output()).isZero();
        long behind = 0;
        for (JsonNode cursor : status.json().get("listeners")) {
            behind = Math.max(behind, cursor.get("events_behind").asLong());
        }
        return behind;
    }

    private static long firstPk(PgUrl db) throws Exception {
        try (Connection c = PostgresServer.connect(db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT min(pk_entity_change_log) FROM core.tb_entity_change_log")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Delivers {@code n} events, stops, replays from the first row, runs again, and returns how many
     * deliveries repeated.
     */
    private static long repeatsAfterReplay(boolean dedup, int n) throws Exception {
        PgUrl db = TestServers.newDatabase(OperationsIT.class);
        try (HttpReceiver receiver = new HttpReceiver()) {
            Path file = observers(receiver, "Shipment");
            Map<String, String> env = env(db, file, Map.of(
                    "OBSERVERS_DEDUP_ENABLED", String.valueOf(dedup),
                    "OBSERVERS_REDIS_KEY_PREFIX", TestServers.namespace(OperationsIT.class) + ":"));
            List<String> ids;
            try (DaemonProcess first = DaemonProcess.start(env, "run")) {
                first.awaitOutput("observers running", Duration.ofSeconds(60));
                ids = insert(db, "Shipment", n);
                await().atMost(Duration.ofSeconds(30)).until(() -> receiver.deliveriesByEventId().size() >= n);
                Cli refused = cli(env, "replay", "--from", String.valueOf(firstPk(db)));
                assertThat(refused.exit()).isEqualTo(1);
                assertThat(refused.output()).contains("stop the daemon first", "nothing moved");
                assertThat(first.stop(Duration.ofSeconds(30))).isZero();
            }
            assertThat(eventsBehind(env)).isZero();

            Cli replay = cli(env, "replay", "--from", String.valueOf(firstPk(db)));
            assertThat(replay.exit()).as(replay.output()).isZero();
            assertThat(replay.output()).contains("checkpoint moved from (", "to (0, 0)",
                    "processes again from row " + firstPk(db), n + " event(s) already processed");
            assertThat(eventsBehind(env)).isEqualTo(n);

            try (DaemonProcess second = DaemonProcess.start(env, "run")) {
                second.awaitOutput("observers running", Duration.ofSeconds(60));
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> eventsBehind(env) == 0);
                Thread.sleep(500);
                assertThat(second.stop(Duration.ofSeconds(30))).isZero();
            }
            assertThat(receiver.deliveriesByEventId().keySet()).containsExactlyInAnyOrderElementsOf(ids);
            return receiver.deliveriesByEventId().values().stream().mapToInt(AtomicInteger::get).sum() - (long) n;
        }
    }

    @Test
    void replayRerunsARangeWithoutRepeatingEffectsWithinTheDedupWindow() throws Exception {
        int n = 40;
        long withDedup = repeatsAfterReplay(true, n);
        long withoutDedup = repeatsAfterReplay(false, n);
        System.out.printf("replay of %d delivered events: %d repeated with dedup, %d without%n", n, withDedup, withoutDedup);
        assertThat(withDedup).isZero();
        assertThat(withoutDedup).isEqualTo(n);
    }

    @Test
    void aDeadLetteredActionIsRetriedToSuccessAndLeavesTheTable() throws Exception {
        PgUrl db = TestServers.newDatabase(OperationsIT.class);
        try (HttpReceiver receiver = new HttpReceiver()) {
            receiver.respondWith(body -> body.contains("poison") ? 503 : 200);
            Map<String, String> env = env(db, observers(receiver, "Post"), Map.of(
                    "OBSERVERS_REDIS_KEY_PREFIX", TestServers.namespace(OperationsIT.class) + ":"));
            String poison;
            try (DaemonProcess daemon = DaemonProcess.start(env, "run")) {
                daemon.awaitOutput("observers running", Duration.ofSeconds(60));
                try (Connection c = PostgresServer.connect(db); Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("INSERT INTO core.tb_entity_change_log (object_type, object_id,"
                             + " modification_type, object_data) VALUES ('Post', gen_random_uuid(), 'INSERT',"
                             + " '{\"title\": \"poison\"}') RETURNING id")) {
                    rs.next();
                    poison = rs.getString(1);
                }
                daemon.awaitOutput("dead-lettered", Duration.ofSeconds(30));
                assertThat(daemon.stop(Duration.ofSeconds(30))).isZero();
            }
            Cli status = cli(env, "status");
            assertThat(status.output()).containsPattern("notify_receiver\\s+action_failed\\s+1");

            receiver.respondWith(body -> 200);
            Cli retry = cli(env, "dlq", "retry-all");
            assertThat(retry.exit()).as(retry.output()).isZero();
            assertThat(retry.output()).contains("resolved: action 0 (webhook) succeeded in 1 attempt",
                    "1 resolved, 0 failed again, 0 not retried");
            assertThat(receiver.deliveriesByEventId()).containsOnlyKeys(poison);
            assertThat(cli(env, "status", "--json").json().get("dead_letters").get("unresolved").asLong()).isZero();
            assertThat(cli(env, "dlq", "list").output()).contains("no unresolved dead letters");
        }
    }

    @Test
    void metricsReportTheCountsThatHappenedAndAStoppedDaemonGetsOneLine() throws Exception {
        PgUrl db = TestServers.newDatabase(OperationsIT.class);
        int n = 30;
        try (HttpReceiver receiver = new HttpReceiver()) {
            Map<String, String> env = env(db, observers(receiver, "Invoice"), Map.of("OBSERVERS_LAG_REFRESH_MS", "200",
                    "OBSERVERS_REDIS_KEY_PREFIX", TestServers.namespace(OperationsIT.class) + ":"));
            Map<String, String> cliEnv = new java.util.HashMap<>(env);
            try (DaemonProcess daemon = DaemonProcess.start(env, "run")) {
                daemon.awaitOutput("observers running", Duration.ofSeconds(60));
                cliEnv.put("OBSERVERS_HTTP_PORT", String.valueOf(daemon.httpPort()));
                insert(db, "Invoice", n);
                await().atMost(Duration.ofSeconds(30)).until(() -> receiver.deliveriesByEventId().size() >= n);
                await().atMost(Duration.ofSeconds(10)).until(() -> daemon.body("/q/metrics")
                        .contains("observer_checkpoint_lag_events{listener=\"observer:notify_receiver\"} 0.0"));

                Cli metrics = cli(cliEnv, "metrics", "--json");
                assertThat(metrics.exit()).as(metrics.output()).isZero();
                JsonNode json = metrics.json();
                assertThat(json.get("url").asText()).isEqualTo("http://127.0.0.1:" + daemon.httpPort() + "/q/metrics");
                assertThat(json.get("events_processed").asLong()).isEqualTo(n);
                assertThat(json.get("actions").get("executed").asLong()).isEqualTo(n);
                assertThat(json.get("actions").get("failed").asLong()).isZero();
                JsonNode webhook = json.get("actions").get("by_type").get(0);
                assertThat(webhook.get("action_type").asText()).isEqualTo("webhook");
                double p50 = webhook.get("p50_seconds").asDouble();
                double p95 = webhook.get("p95_seconds").asDouble();
                double p99 = webhook.get("p99_seconds").asDouble();
                assertThat(p50).isPositive().isLessThanOrEqualTo(p95);
                assertThat(p95).isLessThanOrEqualTo(p99);
                assertThat(p99).isLessThan(5.0);
                assertThat(json.get("listeners").get(0).get("lag_events").asDouble()).isZero();
                assertThat(json.get("dead_letters").get("unresolved").asLong()).isZero();
                assertThat(json.get("healthy").get("failure_rate_below_5_percent").asBoolean()).isTrue();

                Cli text = cli(cliEnv, "metrics", "--url", "http://127.0.0.1:" + daemon.httpPort() + "/q/metrics");
                assertThat(text.exit()).isZero();
                assertThat(text.output()).contains("events processed " + n, "ok (failure rate < 5 %)", "webhook");
                String raw = cli(cliEnv, "metrics", "--raw").output();
                assertThat(raw).contains("observer_checkpoint_writes_total", "observer_checkpoint_lag_seconds",
                        "observer_dlq_items");
                assertThat(daemon.stop(Duration.ofSeconds(30))).isZero();
            }
            Cli down = cli(cliEnv, "metrics");
            assertThat(down.exit()).isEqualTo(1);
            assertThat(down.output().strip()).doesNotContain("\n")
                    .contains("no daemon answers at http://127.0.0.1:" + cliEnv.get("OBSERVERS_HTTP_PORT") + "/q/metrics");
        }
    }

    @Test
    void statusBesideADaemonOnTheEmbeddedDefaultReadsItsDatabase() throws Exception {
        Map<String, String> env = Map.of(
                "OBSERVERS_EMBEDDED_DATA_DIR", java.nio.file.Files.createTempDirectory("observers-embedded-").toString(),
                "OBSERVERS_EMBEDDED_PG_PORT", String.valueOf(DaemonProcess.freePort()),
                "OBSERVERS_EMBEDDED_REDIS_PORT", String.valueOf(DaemonProcess.freePort()));
        try (DaemonProcess daemon = DaemonProcess.start(env, "run")) {
            daemon.awaitOutput("observers running", Duration.ofSeconds(120));
            Cli status = cli(env, "status");
            assertThat(status.exit()).as(status.output()).isZero();
            assertThat(status.output()).contains("subscriptions: none has run yet", "dead letters: none unresolved")
                    .doesNotContain("started embedded", "in use");
            assertThat(daemon.stop(Duration.ofSeconds(30))).isZero();
        }
    }
}

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
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

import static dev.observers.cli.PipelineIT.env;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The packaged daemon's readiness: PostgreSQL reachable, subscriptions running, and lag when it is asked to count. */
class HealthIT {

    @Test
    void notReadyWhilePostgresRefusesConnectionsAndReadyAgainWhenItAccepts() throws Exception {
        PgUrl db = TestServers.newDatabase(HealthIT.class);
        try (HttpReceiver receiver = new HttpReceiver();
             DaemonProcess daemon = DaemonProcess.start(env(db, PipelineIT.observers(receiver, "Post"), Map.of()), "run")) {
            daemon.awaitOutput("observers running", Duration.ofSeconds(60));
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(daemon.get("/q/health/ready")).isEqualTo(200);
                assertThat(daemon.body("/q/health/ready")).contains("\"postgresql\": \"up\"",
                        "\"listener.observer:notify_receiver\": \"running\"",
                        "\"listener.observer:notify_receiver.claims\": 4");
            });
            try (Connection admin = PostgresServer.connect(TestServers.postgres().adminUrl()); Statement s = admin.createStatement()) {
                s.execute("ALTER DATABASE " + db.database() + " ALLOW_CONNECTIONS false");
                s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + db.database() + "'");
                try {
                    await().atMost(Duration.ofSeconds(20)).until(() -> daemon.get("/q/health/ready") == 503);
                    assertThat(daemon.body("/q/health/ready")).contains("does not answer");
                    assertThat(daemon.get("/q/health/live")).isEqualTo(200);
                } finally {
                    s.execute("ALTER DATABASE " + db.database() + " ALLOW_CONNECTIONS true");
                }
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> daemon.get("/q/health/ready") == 200);
            assertThat(daemon.stop(Duration.ofSeconds(30))).isZero();
        }
    }

    @Test
    void lagOverTheLimitFailsReadinessWhenConfiguredUntilTheListenerCatchesUp() throws Exception {
        PgUrl db = TestServers.newDatabase(HealthIT.class);
        try (HttpReceiver receiver = new HttpReceiver()) {
            receiver.respondWith(body -> 503);
            Path file = Files.createTempFile("observers-", ".yaml");
            Files.writeString(file, """
                    observers:
                      slow:
                        event_type: INSERT
                        entity: Late
                        actions:
                          - type: webhook
                            url: %s
                        retry: {max_attempts: 100000, initial_delay_ms: 50, max_delay_ms: 100, backoff_strategy: fixed}
                    """.formatted(receiver.url("/late")));
            try (DaemonProcess daemon = DaemonProcess.start(env(db, file, Map.of(
                    "OBSERVERS_READY_MAX_LAG_SECONDS", "60",
                    "OBSERVERS_READY_FAIL_ON_LAG", "true",
                    "OBSERVERS_BREAKER_OPEN_MS", "100",
                    "OBSERVERS_BREAKER_MAX_OPEN_MS", "500",
                    "OBSERVERS_LAG_REFRESH_MS", "200")), "run")) {
                daemon.awaitOutput("observers running", Duration.ofSeconds(60));
                try (Connection c = PostgresServer.connect(db); Statement s = c.createStatement()) {
                    s.execute("INSERT INTO core.tb_entity_change_log (object_type, modification_type, created_at)"
                            + " VALUES ('Late', 'INSERT', now() - interval '1 hour')");
                }
                await().atMost(Duration.ofSeconds(20)).until(() -> daemon.get("/q/health/ready") == 503);
                assertThat(daemon.body("/q/health/ready")).contains("behind by more than 60 s",
                        "\"listener.observer:slow.lag_events\": 1");

                receiver.respondWith(body -> 200);
                await().atMost(Duration.ofSeconds(20)).until(() -> daemon.get("/q/health/ready") == 200);
                assertThat(daemon.body("/q/health/ready")).contains("\"listener.observer:slow.lag_events\": 0")
                        .doesNotContain("behind by more than");
                assertThat(daemon.stop(Duration.ofSeconds(30))).isZero();
            }
        }
    }
}

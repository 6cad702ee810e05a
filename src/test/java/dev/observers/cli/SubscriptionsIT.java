package dev.observers.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.observers.cli.PipelineIT.env;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Each observer is a subscription with its own cursors: one whose endpoint is down holds back only
 * itself, waits on its breaker without spending attempts, and catches up in order once the endpoint returns.
 */
class SubscriptionsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int EVENTS = 3000;
    private static final int ENTITIES = 200;

    static Path observers(HttpReceiver healthy, int deadPort) throws Exception {
        Path file = Files.createTempFile("observers-", ".yaml");
        Files.writeString(file, """
                observers:
                  healthy:
                    event_type: [INSERT]
                    entity: Account
                    actions:
                      - type: webhook
                        url: %s
                    retry:
                      max_attempts: 5
                      initial_delay_ms: 50
                      max_delay_ms: 500
                    on_failure: dlq
                  dead:
                    event_type: [INSERT]
                    entity: Account
                    actions:
                      - type: webhook
                        url: http://127.0.0.1:%d/hook
                    retry:
                      max_attempts: 2
                      initial_delay_ms: 50
                      max_delay_ms: 50
                    on_failure: dlq
                """.formatted(healthy.url("/hook"), deadPort));
        return file;
    }

    @Test
    void aDeadEndpointHoldsBackOnlyItsOwnObserverAndCatchesUpInOrderWithoutDeadLetters() throws Exception {
        PgUrl db = TestServers.newDatabase(SubscriptionsIT.class);
        int deadPort = DaemonProcess.freePort();
        try (HttpReceiver healthy = new HttpReceiver()) {
            Map<String, String> env = env(db, observers(healthy, deadPort), Map.of(
                    "OBSERVERS_LISTENER_MAX_IN_FLIGHT", "2000",
                    "OBSERVERS_BREAKER_OPEN_MS", "500",
                    "OBSERVERS_BREAKER_MAX_OPEN_MS", "2000",
                    "OBSERVERS_LAG_REFRESH_MS", "500",
                    "OBSERVERS_REDIS_KEY_PREFIX", TestServers.namespace(SubscriptionsIT.class) + ":"));
            EntityStream stream = new EntityStream(db, "Account", ENTITIES);
            try (DaemonProcess daemon = DaemonProcess.start(env, "run")) {
                daemon.awaitOutput("observers running", Duration.ofSeconds(60));
                Instant inserted = Instant.now();
                for (int i = 0; i < EVENTS / 300; i++) {
                    stream.insertRoundRobin(300);
                }

                await().atMost(Duration.ofSeconds(60)).until(() -> healthy.deliveriesByEventId().size() >= EVENTS);
                Duration healthyTook = Duration.between(inserted, Instant.now());
                assertThat(healthy.deliveriesByEventId().keySet()).containsExactlyInAnyOrderElementsOf(stream.ids());
                assertThat(healthy.deliveriesByEventId().values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
                assertThat(stream.outOfOrder(healthy, false)).isEmpty();

                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    PrometheusText metrics = PrometheusText.parse(daemon.body("/q/metrics"));
                    assertThat(gauge(metrics, "observer_checkpoint_lag_events", "healthy")).as("healthy lag").isZero();
                    assertThat(gauge(metrics, "observer_checkpoint_lag_events", "dead")).as("dead lag").isPositive();
                    assertThat(gauge(metrics, "observer_subscription_waiting_seconds", "dead")).isPositive();
                });
                JsonNode ready = readinessData(daemon);
                assertThat(ready.path("listener.observer:dead").asText()).isEqualTo("waiting on breaker");
                assertThat(ready.path("listener.observer:healthy").asText()).isEqualTo("running");

                Map<String, Long> behind = maxEventsBehind(env);
                assertThat(behind).containsEntry("observer:healthy", 0L);
                assertThat(behind.get("observer:dead")).isPositive();

                // Several half-open probes fail while the port stays dead: none of them may cost an attempt.
                long deadUntil = System.nanoTime() + Duration.ofSeconds(6).toNanos();
                while (System.nanoTime() < deadUntil) {
                    assertThat(deadLetters(db)).as("dead letters while the endpoint is down").isZero();
                    Thread.sleep(500);
                }
                System.out.printf("dead endpoint: healthy observer delivered %d events in %d ms; %s%n", EVENTS,
                        healthyTook.toMillis(), latencies(healthy));

                try (HttpReceiver revived = new HttpReceiver(deadPort)) {
                    Instant up = Instant.now();
                    await().atMost(Duration.ofSeconds(60)).until(() -> revived.deliveriesByEventId().size() >= EVENTS);
                    System.out.printf("dead endpoint back: %d events delivered to it %d ms after it listened%n",
                            EVENTS, Duration.between(up, Instant.now()).toMillis());
                    await().atMost(Duration.ofSeconds(30)).until(() -> gauge(PrometheusText.parse(
                            daemon.body("/q/metrics")), "observer_checkpoint_lag_events", "dead") == 0);
                    assertThat(revived.deliveriesByEventId().keySet()).containsExactlyInAnyOrderElementsOf(stream.ids());
                    assertThat(stream.outOfOrder(revived, false)).isEmpty();
                    assertThat(deadLetters(db)).isZero();
                    assertThat(healthy.requests()).hasSize(EVENTS);
                    assertThat(daemon.stop(Duration.ofSeconds(30))).isZero();
                }
            }
        }
    }

    /** The value of gauge {@code name} of observer {@code observer}'s subscription; NaN when absent. */
    static double gauge(PrometheusText metrics, String name, String observer) {
        return metrics.series(name).stream().filter(s -> ("observer:" + observer).equals(s.label("listener")))
                .mapToDouble(PrometheusText.Sample::value).findFirst().orElse(Double.NaN);
    }

    /** {@code observers status --json}: each subscription's furthest-behind cursor, by subscription id. */
    static Map<String, Long> maxEventsBehind(Map<String, String> env) throws Exception {
        OperationsIT.Cli status = OperationsIT.cli(env, "status", "--json");
        assertThat(status.exit()).as(status.output()).isZero();
        Map<String, Long> behind = new TreeMap<>();
        for (JsonNode l : status.json().get("listeners")) {
            behind.merge(l.get("listener").asText().split("#", 2)[0], l.get("events_behind").asLong(), Math::max);
        }
        return behind;
    }

    private static JsonNode readinessData(DaemonProcess daemon) throws Exception {
        JsonNode health = JSON.readTree(daemon.body("/q/health/ready"));
        for (JsonNode check : health.path("checks")) {
            if ("observers".equals(check.path("name").asText())) {
                return check.path("data");
            }
        }
        throw new AssertionError("no observers check in /q/health/ready: " + health);
    }

    static long deadLetters(PgUrl db) throws Exception {
        try (Connection c = PostgresServer.connect(db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM core.observer_dead_letters")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Delivery latency (arrival minus the event's timestamp, its row's created_at) at p50, p99 and max. */
    private static String latencies(HttpReceiver receiver) throws Exception {
        List<Long> ms = new ArrayList<>();
        for (HttpReceiver.Request r : receiver.requests()) {
            Instant at = OffsetDateTime.parse(JSON.readTree(r.body()).get("timestamp").asText()).toInstant();
            ms.add(Duration.between(at, r.received()).toMillis());
        }
        ms.sort(null);
        int n = ms.size();
        return "latency p50 %d ms, p99 %d ms, max %d ms".formatted(ms.get(n / 2),
                ms.get((int) Math.ceil(n * 0.99) - 1), ms.getLast());
    }
}

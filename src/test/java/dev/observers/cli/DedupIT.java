package dev.observers.cli;

import dev.observers.config.PgUrl;
import dev.observers.testing.DaemonProcess;
import dev.observers.testing.HttpReceiver;
import dev.observers.testing.TestServers;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.observers.cli.PipelineIT.env;
import static dev.observers.cli.PipelineIT.insert;
import static dev.observers.cli.PipelineIT.observers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The dedup window against a real Redis: replays after a crash are harmless, and a Redis outage stops nothing. */
class DedupIT {

    private static final int MAX_CONCURRENT = 16;

    /** Kills the daemon mid-stream with no checkpoint written, restarts it, and counts repeated deliveries. */
    private static long repeatsAfterKill(boolean dedup) throws Exception {
        PgUrl db = TestServers.newDatabase(DedupIT.class);
        try (HttpReceiver receiver = new HttpReceiver()) {
            Path file = observers(receiver, "Invoice");
            Map<String, String> env = env(db, file, Map.of(
                    "OBSERVERS_CHECKPOINT_BATCH_SIZE", "1000000",
                    "OBSERVERS_CHECKPOINT_INTERVAL_MS", "3600000",
                    "OBSERVERS_MAX_CONCURRENT_ACTIONS", String.valueOf(MAX_CONCURRENT),
                    "OBSERVERS_DEDUP_ENABLED", String.valueOf(dedup),
                    "OBSERVERS_REDIS_KEY_PREFIX", TestServers.namespace(DedupIT.class) + ":"));
            List<String> ids;
            try (DaemonProcess first = DaemonProcess.start(env, "run")) {
                first.awaitOutput("observers running", Duration.ofSeconds(60));
                ids = insert(db, "Invoice", 3000);
                await().atMost(Duration.ofSeconds(60)).until(() -> receiver.requests().size() >= 1500);
                first.kill();
            }
            try (DaemonProcess second = DaemonProcess.start(env, "run")) {
                second.awaitOutput("observers running", Duration.ofSeconds(60));
                await().atMost(Duration.ofSeconds(90)).until(() -> receiver.deliveriesByEventId().size() >= ids.size());
                Thread.sleep(500);
                second.stop(Duration.ofSeconds(30));
            }
            assertThat(receiver.deliveriesByEventId().keySet()).containsExactlyInAnyOrderElementsOf(ids);
            return receiver.deliveriesByEventId().values().stream().mapToInt(AtomicInteger::get).filter(n -> n > 1).count();
        }
    }

    @Test
    void afterKillDashNineOnlyTheActionsInFlightRepeat() throws Exception {
        long withDedup = repeatsAfterKill(true);
        long withoutDedup = repeatsAfterKill(false);
        System.out.printf("kill -9 with no checkpoint written: %d repeated deliveries with dedup, %d without%n",
                withDedup, withoutDedup);
        assertThat(withDedup).isLessThanOrEqualTo(MAX_CONCURRENT);
        assertThat(withoutDedup).isGreaterThanOrEqualTo(1000);
    }

    @Test
    void redisStoppedMidStreamLosesNothingAndDedupResumesWhenItReturns() throws Exception {
        int port = DaemonProcess.freePort();
        RedisServer redis = RedisServer.newRedisServer().port(port).bind("127.0.0.1").setting("save \"\"").build();
        redis.start();
        PgUrl db = TestServers.newDatabase(DedupIT.class);
        try (HttpReceiver receiver = new HttpReceiver()) {
            Map<String, String> env = new java.util.HashMap<>(env(db, observers(receiver, "Order"), Map.of()));
            env.put("OBSERVERS_REDIS_URL", "redis://127.0.0.1:" + port);
            List<String> ids = new ArrayList<>();
            try (DaemonProcess daemon = DaemonProcess.start(env, "run")) {
                daemon.awaitOutput("observers running", Duration.ofSeconds(60));
                ids.addAll(insert(db, "Order", 200));
                await().atMost(Duration.ofSeconds(30)).until(() -> receiver.deliveriesByEventId().size() >= 200);

                redis.stop();
                ids.addAll(insert(db, "Order", 200));
                await().atMost(Duration.ofSeconds(60)).until(() -> receiver.deliveriesByEventId().size() >= 400);
                daemon.awaitOutput("dedup store unavailable", Duration.ofSeconds(10));

                redis = RedisServer.newRedisServer().port(port).bind("127.0.0.1").setting("save \"\"").build();
                redis.start();
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (!daemon.output().contains("dedup store is back") && System.nanoTime() < deadline) {
                    ids.addAll(insert(db, "Order", 20));
                    Thread.sleep(500);
                }
                daemon.awaitOutput("dedup store is back", Duration.ofSeconds(1));
                await().atMost(Duration.ofSeconds(60)).until(() -> receiver.deliveriesByEventId().size() >= ids.size());

                assertThat(daemon.output().split("dedup store unavailable", -1)).as("the outage is logged once").hasSize(2);
                assertThat(daemon.get("/q/health/live")).isEqualTo(200);
                assertThat(daemon.body("/q/metrics")).contains("observer_dedup_unchecked_total");
                assertThat(daemon.stop(Duration.ofSeconds(30))).isZero();
            }
            assertThat(receiver.deliveriesByEventId().keySet()).containsExactlyInAnyOrderElementsOf(ids);
        } finally {
            redis.stop();
        }
    }
}

package dev.observers.cli;

import com.sun.net.httpserver.HttpServer;
import dev.observers.config.PgUrl;
import dev.observers.testing.DaemonProcess;
import dev.observers.testing.PostgresServer;
import dev.observers.testing.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Trains the JDK AOT cache of the packaged daemon ({@code target/quarkus-app/app.aot}, which
 * {@code scripts/observers} starts on) on the real pipeline: PostgreSQL, the Redis dedup window, a log and
 * a webhook action per event against a local receiver, checkpoints, metrics and health; the JVM writes
 * the cache when the daemon exits. Then the daemon must start on it with {@code -XX:AOTMode=on}, which
 * refuses to start rather than run without a cache it cannot use. Prints the time to ready both ways.
 */
class AotCacheIT {

    private static final Pattern PROCESSED = Pattern.compile("(?m)^observer_events_processed_total\\{[^}]*} ([0-9.E]+)");
    private static final int EVENTS = 20_000;

    @Test
    void aTrainingRunOnThePipelineWritesACacheTheDaemonStartsOn(@TempDir Path dir) throws Exception {
        assumeTrue(Runtime.version().feature() >= 25, "the JDK AOT cache needs JDK 25 (-XX:AOTCacheOutput)");
        Path cache = Path.of(System.getProperty("test.app.jar")).resolveSibling("app.aot");
        Files.deleteIfExists(cache);
        PgUrl db = TestServers.newDatabase(AotCacheIT.class);
        AtomicInteger hooks = new AtomicInteger();
        HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            hooks.incrementAndGet();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        try {
            Path observers = dir.resolve("observers.yaml");
            Files.writeString(observers, """
                    observers:
                      every-order:
                        entity: Order
                        event_type: [INSERT, UPDATE]
                        condition: "total > 0"
                        actions:
                          - type: log
                            level: debug
                            message_template: "order {{ entity_id }}: {{ data.total }}"
                          - type: webhook
                            url: "http://127.0.0.1:%d/orders"
                    """.formatted(receiver.getAddress().getPort()));
            Map<String, String> env = Map.of(
                    "OBSERVERS_DB_URL", db.toUrl(),
                    "OBSERVERS_REDIS_URL", TestServers.redis().address(),
                    "OBSERVERS_REDIS_KEY_PREFIX", "aot-" + System.nanoTime() + ":",
                    "OBSERVERS_CONFIG", observers.toString());

            try (DaemonProcess training = DaemonProcess.start(List.of("-XX:AOTCacheOutput=" + cache), env, "run")) {
                training.awaitOutput("observers running", Duration.ofSeconds(120));
                try (Connection c = PostgresServer.connect(db); Statement s = c.createStatement()) {
                    s.execute("INSERT INTO core.tb_entity_change_log (object_type, object_id, modification_type, object_data)"
                            + " SELECT 'Order', gen_random_uuid(), 'INSERT', jsonb_build_object('total', g)"
                            + " FROM generate_series(1, " + EVENTS + ") g");
                }
                long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                long processed = 0;
                while (processed < EVENTS && System.nanoTime() < deadline) {
                    assertThat(training.get("/q/health/ready")).isIn(200, 503);
                    Thread.sleep(200);
                    processed = Math.max(processed, processed(training));
                }
                assertThat(processed).as(training.output()).isEqualTo(EVENTS);
                assertThat(training.stop(Duration.ofSeconds(180))).as(training.output()).isZero();
                assertThat(training.output()).contains("AOTCache creation is complete");
            }
            assertThat(hooks.get()).isEqualTo(EVENTS);
            assertThat(cache).exists();
            assertThat(Files.size(cache)).isGreaterThan(10_000_000);

            long withCache = timeToReady(List.of("-XX:AOTCache=" + cache, "-XX:AOTMode=on"), env);
            long without = timeToReady(List.of(), env);
            System.out.printf("time to ready: %d ms on the AOT cache, %d ms without%n", withCache, without);
        } finally {
            receiver.stop(0);
        }
    }

    private static long timeToReady(List<String> jvm, Map<String, String> env) throws Exception {
        long began = System.nanoTime();
        try (DaemonProcess daemon = DaemonProcess.start(jvm, env, "run")) {
            long deadline = began + Duration.ofSeconds(120).toNanos();
            while (daemon.get("/q/health/ready") != 200) {
                assertThat(System.nanoTime()).as(daemon.output()).isLessThan(deadline);
                Thread.sleep(10);
            }
            long ms = (System.nanoTime() - began) / 1_000_000;
            assertThat(daemon.output()).doesNotContain("Unable to use AOT cache");
            assertThat(daemon.stop(Duration.ofSeconds(60))).as(daemon.output()).isZero();
            return ms;
        }
    }

    private static long processed(DaemonProcess daemon) throws InterruptedException {
        Matcher m = PROCESSED.matcher(daemon.body("/q/metrics"));
        long n = 0;
        while (m.find()) {
            n += (long) Double.parseDouble(m.group(1));
        }
        return n;
    }
}

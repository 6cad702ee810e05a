package dev.observers.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.observers.config.PgUrl;
import dev.observers.testing.DaemonProcess;
import dev.observers.testing.HttpReceiver;
import dev.observers.testing.TestServers;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.observers.cli.PipelineIT.env;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Several daemons on one database share an observer's partitions as claims: each takes a fair share, a
 * killed daemon's claims move to the others once its leases expire, and a rolling restart hands every
 * claim over at its cursor, so nothing is lost and, with graceful stops, nothing repeats.
 */
class ClaimsIT {

    private static final int PARTITIONS = 6;
    private static final long LEASE_MS = 3000;
    private static final int MAX_IN_FLIGHT = 50;
    private static final int ENTITIES = 300;

    static Path observers(HttpReceiver receiver) throws Exception {
        Path file = Files.createTempFile("observers-", ".yaml");
        Files.writeString(file, """
                observers:
                  notify:
                    event_type: [INSERT]
                    entity: Ticket
                    actions:
                      - type: webhook
                        url: %s
                    retry:
                      max_attempts: 5
                      initial_delay_ms: 50
                      max_delay_ms: 500
                    on_failure: dlq
                """.formatted(receiver.url("/hook")));
        return file;
    }

    private static Map<String, String> daemonEnv(PgUrl db, HttpReceiver receiver, boolean dedup) throws Exception {
        return env(db, observers(receiver), Map.of(
                "OBSERVERS_CLAIMS_PARTITIONS", String.valueOf(PARTITIONS),
                "OBSERVERS_CLAIMS_LEASE_MS", String.valueOf(LEASE_MS),
                "OBSERVERS_LISTENER_MAX_IN_FLIGHT", String.valueOf(MAX_IN_FLIGHT),
                "OBSERVERS_LAG_REFRESH_MS", "500",
                "OBSERVERS_DEDUP_ENABLED", String.valueOf(dedup),
                "OBSERVERS_REDIS_KEY_PREFIX", TestServers.namespace(ClaimsIT.class) + ":"));
    }

    /** Inserts a batch of events of random entities every 50 ms on a thread of its own until closed. */
    private static final class SteadyInserts implements AutoCloseable {
        private final ExecutorService thread = Executors.newSingleThreadExecutor();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Future<?> running;

        SteadyInserts(EntityStream stream, int perBatch) {
            running = thread.submit(() -> {
                while (!stop.get()) {
                    stream.insertRandom(perBatch);
                    Thread.sleep(50);
                }
                return null;
            });
        }

        /** Stops inserting; rethrows what made an insert fail. */
        @Override
        public void close() throws Exception {
            stop.set(true);
            running.get(30, TimeUnit.SECONDS);
            thread.shutdown();
        }
    }

    /** The partitions of {@code notify} that {@code daemon} holds, per its metrics (0 while it holds none). */
    private static int claims(DaemonProcess daemon) {
        try {
            double n = SubscriptionsIT.gauge(PrometheusText.parse(daemon.body("/q/metrics")),
                    "observer_subscription_claims", "notify");
            return Double.isNaN(n) ? 0 : (int) n;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static List<Integer> claims(List<DaemonProcess> daemons) {
        return daemons.stream().map(ClaimsIT::claims).toList();
    }

    /** Starts {@code n} daemons one after the other, each once the previous one runs. */
    private static List<DaemonProcess> startDaemons(Map<String, String> env, int n) throws Exception {
        List<DaemonProcess> daemons = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            daemons.add(DaemonProcess.start(env, "run"));
            daemons.getLast().awaitOutput("observers running", Duration.ofSeconds(90));
        }
        return daemons;
    }

    private static void closeAll(List<DaemonProcess> daemons) throws InterruptedException {
        for (DaemonProcess d : daemons) {
            d.close();
        }
    }

    private static String outputs(List<DaemonProcess> daemons) {
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < daemons.size(); i++) {
            all.append("\n--- daemon ").append(i).append(" ---\n").append(daemons.get(i).output());
        }
        return all.toString();
    }

    @Test
    void daemonsStartedTogetherOnAFreshDatabaseAllRunAndShareTheClaims() throws Exception {
        PgUrl db = TestServers.newDatabase(ClaimsIT.class);
        try (HttpReceiver receiver = new HttpReceiver()) {
            Map<String, String> env = daemonEnv(db, receiver, true);
            List<DaemonProcess> daemons = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    daemons.add(DaemonProcess.start(env, "run"));
                }
                for (DaemonProcess d : daemons) {
                    d.awaitOutput("observers running", Duration.ofSeconds(90));
                }
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                        assertThat(claims(daemons)).as("claims per daemon").containsExactly(2, 2, 2));
                for (DaemonProcess d : daemons) {
                    assertThat(d.stop(Duration.ofSeconds(30))).isZero();
                }
            } finally {
                closeAll(daemons);
            }
        }
    }

    @Test
    void aKilledDaemonsClaimsAreTakenOverAndOnlyItsInFlightEventsRepeat() throws Exception {
        PgUrl db = TestServers.newDatabase(ClaimsIT.class);
        try (HttpReceiver receiver = new HttpReceiver()) {
            Map<String, String> env = daemonEnv(db, receiver, true);
            EntityStream stream = new EntityStream(db, "Ticket", ENTITIES);
            List<DaemonProcess> daemons = startDaemons(env, 3);
            try {
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                        assertThat(claims(daemons)).as("claims per daemon").containsExactly(2, 2, 2));

                DaemonProcess victim = daemons.getFirst();
                List<DaemonProcess> survivors = daemons.subList(1, 3);
                int victimClaims;
                double victimInFlight;
                try (SteadyInserts inserts = new SteadyInserts(stream, 8)) {
                    Thread.sleep(6000);
                    PrometheusText before = PrometheusText.parse(victim.body("/q/metrics"));
                    victimClaims = (int) SubscriptionsIT.gauge(before, "observer_subscription_claims", "notify");
                    victimInFlight = SubscriptionsIT.gauge(before, "observer_listener_in_flight", "notify");
                    victim.kill();
                    long killedAt = System.nanoTime();
                    await().atMost(Duration.ofMillis(5 * LEASE_MS)).untilAsserted(() ->
                            assertThat(claims(survivors)).as("claims per surviving daemon").containsExactly(3, 3));
                    System.out.printf("kill -9 of a daemon holding %d claims (%.0f events in flight just before):"
                                    + " the survivors held all %d claims %d ms later%n", victimClaims, victimInFlight,
                            PARTITIONS, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt));
                    Thread.sleep(8000);
                }
                JsonNode status = OperationsIT.cli(env, "status", "--json").json();
                Set<String> owners = new HashSet<>();
                for (JsonNode l : status.get("listeners")) {
                    assertThat(l.get("claimed_by").isNull()).as("%s is claimed", l.get("listener")).isFalse();
                    owners.add(l.get("claimed_by").asText());
                }
                assertThat(owners).as("daemons holding claims").hasSize(2);

                Set<String> ids = stream.ids();
                await().atMost(Duration.ofSeconds(60)).until(() -> receiver.deliveriesByEventId().size() >= ids.size());
                Thread.sleep(500);
                assertThat(receiver.deliveriesByEventId().keySet()).containsExactlyInAnyOrderElementsOf(ids);
                long repeats = receiver.deliveriesByEventId().values().stream().mapToInt(AtomicInteger::get)
                        .filter(n -> n > 1).count();
                System.out.printf("kill -9 under a stream of %d events: %d delivered more than once%n", ids.size(),
                        repeats);
                assertThat(repeats).as("repeats: at most what the killed daemon's claims could have in flight")
                        .isLessThanOrEqualTo((long) victimClaims * MAX_IN_FLIGHT);
                assertThat(stream.outOfOrder(receiver, true)).isEmpty();
                for (DaemonProcess d : survivors) {
                    assertThat(d.stop(Duration.ofSeconds(30))).isZero();
                }
            } catch (AssertionError | RuntimeException e) {
                System.out.println(outputs(daemons));
                throw e;
            } finally {
                closeAll(daemons);
            }
        }
    }

    @Test
    void aRollingRestartUnderLoadDeliversEveryEventExactlyOnceInOrder() throws Exception {
        PgUrl db = TestServers.newDatabase(ClaimsIT.class);
        try (HttpReceiver receiver = new HttpReceiver()) {
            // Without the dedup window, exactly once rests on the claims' hand-over alone.
            Map<String, String> env = daemonEnv(db, receiver, false);
            EntityStream stream = new EntityStream(db, "Ticket", ENTITIES);
            List<DaemonProcess> daemons = new ArrayList<>(startDaemons(env, 3));
            List<DaemonProcess> all = new ArrayList<>(daemons);
            try {
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                        assertThat(claims(daemons)).as("claims per daemon").containsExactly(2, 2, 2));
                try (SteadyInserts inserts = new SteadyInserts(stream, 8)) {
                    Thread.sleep(2000);
                    for (int i = 0; i < 3; i++) {
                        assertThat(daemons.get(i).stop(Duration.ofSeconds(30))).as("exit of daemon %d", i).isZero();
                        DaemonProcess replacement = DaemonProcess.start(env, "run");
                        all.add(replacement);
                        daemons.set(i, replacement);
                        replacement.awaitOutput("observers running", Duration.ofSeconds(90));
                        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                                assertThat(claims(daemons)).as("claims per daemon").containsExactly(2, 2, 2));
                    }
                    Thread.sleep(2000);
                }
                Set<String> ids = stream.ids();
                await().atMost(Duration.ofSeconds(60)).until(() -> receiver.deliveriesByEventId().size() >= ids.size());
                Thread.sleep(1000);
                long repeats = receiver.deliveriesByEventId().values().stream().mapToInt(AtomicInteger::get)
                        .filter(n -> n > 1).count();
                System.out.printf("rolling restart of 3 daemons under a stream of %d events: %d delivered more than"
                        + " once%n", ids.size(), repeats);
                assertThat(receiver.deliveriesByEventId().keySet()).containsExactlyInAnyOrderElementsOf(ids);
                assertThat(receiver.deliveriesByEventId().values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
                assertThat(stream.outOfOrder(receiver, false)).isEmpty();
                for (DaemonProcess d : daemons) {
                    assertThat(d.stop(Duration.ofSeconds(30))).isZero();
                }
            } catch (AssertionError | RuntimeException e) {
                System.out.println(outputs(all));
                throw e;
            } finally {
                closeAll(all);
            }
        }
    }
}

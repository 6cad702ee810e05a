package dev.observers.subscription;

import dev.observers.changelog.ChangeLogReader;
import dev.observers.changelog.EventHandler;
import dev.observers.checkpoint.CheckpointPolicy;
import dev.observers.checkpoint.Position;
import dev.observers.claim.ClaimId;
import dev.observers.testing.TestServers;
import io.vertx.mutiny.sqlclient.Pool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.LongAdder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The pump against a real change log: shared reads, per-subscription progress, partitions. */
class LogPumpTest {

    private static Pool pool;
    private LogPump pump;

    /** Records what it is given; acknowledges at once unless held. */
    private static final class Sink implements EventHandler {
        final List<Long> pks = Collections.synchronizedList(new ArrayList<>());
        final List<Runnable> held = Collections.synchronizedList(new ArrayList<>());
        volatile boolean hold;

        @Override
        public void handle(List<Item> batch) {
            for (Item item : batch) {
                pks.add(switch (item) {
                    case Event e -> e.event().pk();
                    case Refused r -> r.row().position().pk();
                });
                if (hold) {
                    held.add(item.onComplete());
                } else {
                    item.onComplete().run();
                }
            }
        }

        void release() {
            hold = false;
            List<Runnable> all;
            synchronized (held) {
                all = new ArrayList<>(held);
                held.clear();
            }
            all.forEach(Runnable::run);
        }
    }

    @BeforeAll
    static void setUp() {
        pool = TestServers.migratedPool(TestServers.newDatabase(LogPumpTest.class));
    }

    @AfterAll
    static void tearDown() {
        pool.closeAndAwait();
    }

    @BeforeEach
    void emptyLog() {
        pool.query("TRUNCATE core.tb_entity_change_log").execute().await().indefinitely();
        pump = new LogPump(new ChangeLogReader(pool), Duration.ofMillis(20), Duration.ZERO, () -> { });
    }

    @AfterEach
    void stopPump() throws InterruptedException {
        pump.stop();
    }

    private static List<Long> insert(int rows, int entities) {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < entities; i++) {
            ids.add(UUID.randomUUID());
        }
        String values = String.join(",", ids.stream().map(id -> "'" + id + "'::uuid").toList());
        return pool.query("INSERT INTO core.tb_entity_change_log (object_type, object_id, modification_type, object_data)"
                        + " SELECT 'P', (ARRAY[" + values + "])[1 + i % " + entities + "], 'INSERT', '{}'::jsonb"
                        + " FROM generate_series(0, " + (rows - 1) + ") i ORDER BY i RETURNING pk_entity_change_log")
                .execute().await().indefinitely().stream().map(r -> r.getLong(0)).sorted().toList();
    }

    private Subscription subscribe(String name, int partition, int partitions, Sink sink, int maxInFlight, int chunk) {
        return subscribe(name, partition, partitions, sink, maxInFlight, chunk, Position.START);
    }

    private Subscription subscribe(String name, int partition, int partitions, Sink sink, int maxInFlight, int chunk,
                                   Position start) {
        Subscription s = new Subscription(new ClaimId(ClaimId.observer(name), partition, partitions), start, sink,
                maxInFlight, chunk, new CheckpointPolicy(100, Duration.ofSeconds(1)), Clock.systemUTC(), pump::wake,
                () -> 0, new LongAdder());
        pump.add(s);
        return s;
    }

    @Test
    void twentyCaughtUpSubscriptionsShareOneReadPerRound() {
        List<Long> rows = insert(5_000, 100);
        List<Sink> sinks = new ArrayList<>();
        List<Subscription> subs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Sink sink = new Sink();
            sinks.add(sink);
            subs.add(subscribe("o" + i, 0, 1, sink, 10_000, 1_000));
        }
        pump.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> subs.stream().allMatch(Subscription::caughtUp));

        sinks.forEach(s -> assertThat(s.pks).containsExactlyElementsOf(rows));
        assertThat(pump.reads()).as("one read per round while all stand at one position").isEqualTo(pump.rounds());
        long roundsBefore = pump.rounds();
        long readsBefore = pump.reads();
        List<Long> more = insert(2_500, 100);
        await().atMost(Duration.ofSeconds(30)).until(() -> sinks.stream().allMatch(s -> s.pks.size() == 7_500));
        assertThat(pump.reads() - readsBefore).isEqualTo(pump.rounds() - roundsBefore);
        sinks.forEach(s -> assertThat(s.pks.subList(5_000, 7_500)).containsExactlyElementsOf(more));
    }

    @Test
    void aStreamOfSingleRowCommitsIsReadInGroupsNoMoreOftenThanTheMinimumReadInterval() throws InterruptedException {
        pump = new LogPump(new ChangeLogReader(pool), Duration.ofSeconds(10), Duration.ofMillis(100), () -> { });
        Sink sink = new Sink();
        subscribe("trickle", 0, 1, sink, 10_000, 1_000);
        pump.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> pump.reads() > 0);
        long readsBefore = pump.reads();
        long began = System.nanoTime();
        List<Long> rows = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            rows.addAll(insert(1, 1));
            pump.wake();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.pks.size() == 100);
        long elapsedMs = (System.nanoTime() - began) / 1_000_000;

        assertThat(sink.pks).containsExactlyElementsOf(rows);
        assertThat(pump.reads() - readsBefore).as("100 wake-ups in %d ms", elapsedMs)
                .isLessThan(100)
                .isLessThanOrEqualTo(elapsedMs / 100 + 2);
    }

    @Test
    void aPumpFollowingAStreamAsksForNoNotificationsAndAsksAgainOnceItHasGoneQuiet() throws InterruptedException {
        List<Boolean> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        pump = new LogPump(new ChangeLogReader(pool), Duration.ofSeconds(30), Duration.ofMillis(2), () -> { }, asked::add);
        Sink sink = new Sink();
        subscribe("stream", 0, 1, sink, 10_000, 1_000);
        pump.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> asked.equals(List.of(true)));

        List<Long> rows = new ArrayList<>(insert(1, 1));
        pump.wake();
        for (int i = 0; i < 20; i++) {
            rows.addAll(insert(1, 1));
            Thread.sleep(5);
        }
        await("read without a wake-up after the first: the poll interval is 30 s").atMost(Duration.ofSeconds(5))
                .until(() -> sink.pks.size() == 21);
        assertThat(asked.get(1)).as("rows came: no notifications wanted").isFalse();
        await().atMost(Duration.ofSeconds(5)).until(() -> asked.size() >= 3 && asked.getLast());
        long reads = pump.reads();
        Thread.sleep(300);
        assertThat(pump.reads()).as("asleep until woken").isEqualTo(reads);
        assertThat(sink.pks).containsExactlyElementsOf(rows);
    }

    @Test
    void subscriptionsWithinOneBatchOfEachOtherShareTheReadAndEachGetsWhatFollowsItsOwnCursor() {
        List<Long> rows = insert(600, 30);
        List<Position> positions = pool.query("SELECT txid::text, pk_entity_change_log FROM core.tb_entity_change_log"
                        + " ORDER BY txid, pk_entity_change_log").execute().await().indefinitely().stream()
                .map(r -> new Position(Long.parseUnsignedLong(r.getString(0)), r.getLong(1))).toList();
        Sink behind = new Sink();
        Sink middle = new Sink();
        Sink ahead = new Sink();
        List<Subscription> subs = List.of(subscribe("behind", 0, 1, behind, 10_000, 1_000),
                subscribe("middle", 0, 1, middle, 10_000, 1_000, positions.get(199)),
                subscribe("ahead", 0, 1, ahead, 10_000, 1_000, positions.get(499)));
        pump.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> subs.stream().allMatch(Subscription::caughtUp));

        assertThat(behind.pks).containsExactlyElementsOf(rows);
        assertThat(middle.pks).containsExactlyElementsOf(rows.subList(200, 600));
        assertThat(ahead.pks).containsExactlyElementsOf(rows.subList(500, 600));
        assertThat(pump.reads()).as("one read per round: the furthest behind reads for all").isEqualTo(pump.rounds());
    }

    @Test
    void aSubscriptionThatCannotCompleteHoldsBackOnlyItselfWithinItsBound() {
        List<Long> rows = insert(1_000, 50);
        Sink stuck = new Sink();
        stuck.hold = true;
        Sink healthy = new Sink();
        Subscription s = subscribe("stuck", 0, 1, stuck, 100, 50);
        Subscription h = subscribe("healthy", 0, 1, healthy, 100, 50);
        pump.start();

        await().atMost(Duration.ofSeconds(30)).until(h::caughtUp);
        assertThat(healthy.pks).containsExactlyElementsOf(rows);
        assertThat(s.inFlight()).isEqualTo(100);
        assertThat(stuck.pks).containsExactlyElementsOf(rows.subList(0, 100));
        assertThat(s.state()).isEqualTo(Subscription.State.FULL);
        assertThat(s.safePosition()).isEqualTo(Position.START);

        stuck.release();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            stuck.release();
            return s.caughtUp();
        });
        assertThat(stuck.pks).containsExactlyElementsOf(rows);
        assertThat(s.safePosition().pk()).isEqualTo(rows.getLast());
    }

    @Test
    void partitionsSplitTheLogByEntityWithNothingLostOrShared() {
        List<Long> rows = insert(2_000, 64);
        List<Sink> sinks = new ArrayList<>();
        List<Subscription> subs = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
            Sink sink = new Sink();
            sinks.add(sink);
            subs.add(subscribe("split", p, 4, sink, 1_000, 500));
        }
        pump.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> subs.stream().allMatch(Subscription::caughtUp));

        Set<Long> all = new HashSet<>();
        for (Sink sink : sinks) {
            assertThat(sink.pks).isSorted().isNotEmpty();
            sink.pks.forEach(pk -> assertThat(all.add(pk)).isTrue());
        }
        assertThat(all).containsExactlyInAnyOrderElementsOf(rows);
        assertThat(subs).as("every partition's cursor passes the rows of the others")
                .allSatisfy(s -> assertThat(s.safePosition().pk()).isEqualTo(rows.getLast()));
        java.util.Map<Long, String> entityOf = new java.util.HashMap<>();
        pool.query("SELECT pk_entity_change_log, object_id::text FROM core.tb_entity_change_log").execute().await()
                .indefinitely().forEach(r -> entityOf.put(r.getLong(0), r.getString(1)));
        java.util.Map<String, Integer> partitionOf = new java.util.HashMap<>();
        for (int p = 0; p < sinks.size(); p++) {
            for (long pk : sinks.get(p).pks) {
                assertThat(partitionOf.putIfAbsent(entityOf.get(pk), p)).as("entity in one partition").isIn(null, p);
            }
        }
        assertThat(partitionOf).hasSize(64);
        assertThat(pump.reads()).isEqualTo(pump.rounds());
    }
}

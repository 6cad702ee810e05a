package dev.observers.changelog;

import dev.observers.checkpoint.CheckpointPolicy;
import dev.observers.checkpoint.PgCheckpointStore;
import dev.observers.config.PgUrl;
import dev.observers.testing.PostgresServer;
import dev.observers.testing.TestServers;
import io.vertx.mutiny.sqlclient.Pool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A listener with a real checkpoint store: restarts resume where it stopped. */
class ChangeLogListenerTest {

    private static PgUrl url;
    private static Pool pool;

    @BeforeAll
    static void setUp() {
        url = TestServers.newDatabase(ChangeLogListenerTest.class);
        pool = TestServers.migratedPool(url);
    }

    @AfterAll
    static void tearDown() {
        pool.closeAndAwait();
    }

    /** Records every event it is handed and completes it a little later, off the listener's thread. */
    private static final class Recorder implements EventHandler {
        final List<Long> handled = Collections.synchronizedList(new ArrayList<>());
        final Map<Long, String> refused = new ConcurrentHashMap<>();
        final ExecutorService workers = Executors.newFixedThreadPool(4);

        @Override
        public void handle(List<Item> batch) {
            for (Item item : batch) {
                switch (item) {
                    case Event(ChangeEvent event, Runnable onComplete) -> {
                        handled.add(event.pk());
                        workers.submit(() -> {
                            Thread.sleep(1);
                            onComplete.run();
                            return null;
                        });
                    }
                    case Refused(ChangeLogRow row, String reason, Runnable onComplete) -> {
                        refused.put(row.position().pk(), reason);
                        onComplete.run();
                    }
                }
            }
        }
    }

    private static ChangeLogListener listener(String id, Recorder recorder, int checkpointBatch) {
        return new ChangeLogListener(id, new ChangeLogReader(pool), new PgCheckpointStore(pool, checkpointBatch, "test"),
                recorder, new ChangeLogListener.Settings(50, Duration.ofMillis(100), 200,
                new CheckpointPolicy(checkpointBatch, Duration.ofSeconds(60))), Clock.systemUTC());
    }

    private static List<Long> write(int n, String type) throws Exception {
        List<Long> pks = new ArrayList<>();
        try (Connection c = PostgresServer.connect(url); Statement s = c.createStatement();
             var rs = s.executeQuery("INSERT INTO core.tb_entity_change_log (object_type, object_id, modification_type,"
                     + " object_data) SELECT '" + type + "', gen_random_uuid(), 'INSERT', jsonb_build_object('n', g)"
                     + " FROM generate_series(1, " + n + ") g RETURNING pk_entity_change_log")) {
            while (rs.next()) {
                pks.add(rs.getLong(1));
            }
        }
        return pks;
    }

    @Test
    void aGracefulStopAndRestartDeliversEveryEventExactlyOnce() throws Exception {
        String id = "graceful-" + System.nanoTime();
        List<Long> written = new ArrayList<>(write(2000, "Graceful"));
        Recorder first = new Recorder();
        ChangeLogListener l1 = listener(id, first, 100);
        l1.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> first.handled.size() >= 700);
        assertThat(l1.stop(Duration.ofSeconds(10))).isZero();

        written.addAll(write(500, "Graceful"));
        Recorder second = new Recorder();
        ChangeLogListener l2 = listener(id, second, 100);
        l2.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> first.handled.size() + second.handled.size() >= 2500);
        Thread.sleep(300);
        l2.stop(Duration.ofSeconds(10));

        List<Long> all = new ArrayList<>(first.handled);
        all.addAll(second.handled);
        List<Long> mine = all.stream().filter(new HashSet<>(written)::contains).toList();
        assertThat(mine).doesNotHaveDuplicates().hasSize(written.size());
    }

    @Test
    void aRowThatIsNotAnEventIsRefusedAndTheListenerMovesOn() throws Exception {
        String id = "refuse-" + System.nanoTime();
        long bad;
        try (Connection c = PostgresServer.connect(url); Statement s = c.createStatement()) {
            var rs = s.executeQuery("INSERT INTO core.tb_entity_change_log (object_type, modification_type)"
                    + " VALUES ('Odd', 'UPSERT') RETURNING pk_entity_change_log");
            rs.next();
            bad = rs.getLong(1);
        }
        List<Long> good = write(5, "AfterOdd");
        Recorder recorder = new Recorder();
        ChangeLogListener l = listener(id, recorder, 1);
        l.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> recorder.handled.containsAll(good));
        l.stop(Duration.ofSeconds(5));
        assertThat(recorder.refused.get(bad)).contains("unknown modification_type 'UPSERT'");
    }
}

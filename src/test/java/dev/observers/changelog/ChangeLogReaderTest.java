package dev.observers.changelog;

import dev.observers.checkpoint.Position;
import dev.observers.config.PgUrl;
import dev.observers.testing.PostgresServer;
import dev.observers.testing.TestServers;
import io.vertx.mutiny.sqlclient.Pool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** The reader never skips a committed row, whatever order transactions commit in. */
class ChangeLogReaderTest {

    private static PgUrl url;
    private static Pool pool;

    @BeforeAll
    static void setUp() {
        url = TestServers.newDatabase(ChangeLogReaderTest.class);
        pool = TestServers.migratedPool(url);
    }

    @AfterAll
    static void tearDown() {
        pool.closeAndAwait();
    }

    /** Reads from {@code from} until a read comes back empty, as a listener does. */
    private static final class Drain {
        Position at;
        final List<UUID> seen = new ArrayList<>();
        final ChangeLogReader reader = new ChangeLogReader(pool);

        Drain(Position from) {
            at = from;
        }

        List<UUID> once() {
            List<UUID> got = new ArrayList<>();
            List<ChangeLogRow> rows;
            do {
                rows = reader.readAfter(at, 500);
                for (ChangeLogRow r : rows) {
                    assertThat(r.position().isAfter(at)).isTrue();
                    at = r.position();
                    got.add(r.id());
                }
            } while (!rows.isEmpty());
            seen.addAll(got);
            return got;
        }
    }

    private static Position head() {
        Drain d = new Drain(Position.START);
        d.once();
        return d.at;
    }

    private static UUID insert(Connection c, String type) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO core.tb_entity_change_log"
                + " (object_type, object_id, modification_type, object_data) VALUES (?, gen_random_uuid(), 'INSERT', '{}')"
                + " RETURNING id")) {
            ps.setString(1, type);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return (UUID) rs.getObject(1);
            }
        }
    }

    @Test
    void aTransactionHoldingTheLowerPkThatCommitsLastIsStillDelivered() throws Exception {
        Drain drain = new Drain(head());
        try (Connection t1 = PostgresServer.connect(url); Connection t2 = PostgresServer.connect(url)) {
            t1.setAutoCommit(false);
            t2.setAutoCommit(false);
            UUID low = insert(t1, "Order");
            UUID high = insert(t2, "Order");
            t2.commit();
            assertThat(drain.once()).as("held back while the older transaction runs").isEmpty();
            t1.commit();
            assertThat(drain.once()).containsExactly(low, high);
        }
    }

    @Test
    void aLongOpenTransactionDelaysButNeverLosesRows() throws Exception {
        Drain drain = new Drain(head());
        Set<UUID> committed = new HashSet<>();
        UUID late;
        try (Connection open = PostgresServer.connect(url); Connection other = PostgresServer.connect(url)) {
            open.setAutoCommit(false);
            late = insert(open, "Slow");
            Set<UUID> deliveredWhileOpen = new HashSet<>();
            for (int i = 0; i < 3000; i++) {
                committed.add(insert(other, "Fast"));
                if (i % 500 == 0) {
                    deliveredWhileOpen.addAll(drain.once());
                }
            }
            Thread.sleep(2000);
            deliveredWhileOpen.addAll(drain.once());
            assertThat(deliveredWhileOpen).as("rows written after the open transaction began wait for it").isEmpty();
            open.commit();
            committed.add(late);
        }
        drain.once();
        assertThat(drain.seen).doesNotHaveDuplicates();
        assertThat(new HashSet<>(drain.seen)).isEqualTo(committed);
        assertThat(drain.seen.getFirst()).as("the late transaction's row sorts first: its txid is older").isEqualTo(late);
    }

    @Test
    void rolledBackRowsNeverAppear() throws Exception {
        Drain drain = new Drain(head());
        UUID kept;
        try (Connection c = PostgresServer.connect(url)) {
            c.setAutoCommit(false);
            insert(c, "Ghost");
            insert(c, "Ghost");
            c.rollback();
            kept = insert(c, "Real");
            c.commit();
        }
        assertThat(drain.once()).containsExactly(kept);
    }

    @Test
    void concurrentWritersCommittingInRandomOrderAreDeliveredExactlyOnce() throws Exception {
        Drain drain = new Drain(head());
        Set<UUID> committed = ConcurrentHashMap.newKeySet();
        AtomicBoolean writing = new AtomicBoolean(true);
        int writers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<Future<?>> futures = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            futures.add(pool.submit(() -> {
                try (Connection c = PostgresServer.connect(url)) {
                    c.setAutoCommit(false);
                    ThreadLocalRandom rnd = ThreadLocalRandom.current();
                    for (int tx = 0; tx < 60; tx++) {
                        List<UUID> mine = new ArrayList<>();
                        int rows = 1 + rnd.nextInt(5);
                        for (int r = 0; r < rows; r++) {
                            mine.add(insert(c, "Random"));
                            if (rnd.nextInt(4) == 0) {
                                Thread.sleep(rnd.nextInt(20));
                            }
                        }
                        Thread.sleep(rnd.nextInt(30));
                        if (rnd.nextInt(10) == 0) {
                            c.rollback();
                        } else {
                            c.commit();
                            committed.addAll(mine);
                        }
                    }
                }
                return null;
            }));
        }
        Thread reader = Thread.ofPlatform().start(() -> {
            while (writing.get()) {
                drain.once();
            }
        });
        for (Future<?> f : futures) {
            f.get();
        }
        writing.set(false);
        reader.join();
        pool.shutdown();
        drain.once();

        assertThat(committed).hasSizeGreaterThan(500);
        assertThat(drain.seen).doesNotHaveDuplicates();
        assertThat(new HashSet<>(drain.seen)).isEqualTo(committed);
    }
}

package dev.observers.retention;

import dev.observers.checkpoint.Position;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Deletes change-log rows that nobody needs any more: older than the retention period, at or before
 * the slowest cursor of every subscription (a stopped subscription's cursor holds rows back as much as
 * a running one's), and named by no unresolved dead letter. A sweep walks the log in its own order from
 * the oldest row in statements of at most {@code batchSize} rows, each its own short transaction, with a
 * pause as long as the statement took, so it never holds many locks, never takes more than half of one
 * connection's time, and leaves autovacuum a steady trickle instead of one mass delete. It stops at the
 * first row younger than the cut-off (the log is in commit order, not strictly in time order: a row
 * that commits late behind a younger one goes at a later sweep). Daemons sharing a database take turns:
 * a statement runs only under a transaction-scoped advisory lock, and a daemon that cannot take it
 * leaves this sweep to the one that holds it.
 */
public final class ChangeLogRetention implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ChangeLogRetention.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final long LOCK_KEY = 0x6f62732d72657469L; // "obs-reti"

    static final String DELETE = """
            WITH slowest AS (
                SELECT COALESCE(c.last_txid, '0'::xid8) AS txid, c.last_processed_id AS pk
                  FROM public.observer_checkpoints c
                 ORDER BY 1, 2
                 LIMIT 1),
            candidates AS (
                SELECT l.pk_entity_change_log AS pk, COALESCE(l.txid, '0'::xid8) AS txid, l.created_at
                  FROM core.tb_entity_change_log l, slowest s
                 WHERE (COALESCE(l.txid, '0'::xid8), l.pk_entity_change_log) > ($1::text::xid8, $2)
                   AND (COALESCE(l.txid, '0'::xid8), l.pk_entity_change_log) <= (s.txid, s.pk)
                 ORDER BY COALESCE(l.txid, '0'::xid8), l.pk_entity_change_log
                 LIMIT $3),
            deleted AS (
                DELETE FROM core.tb_entity_change_log l
                 USING candidates c
                 WHERE l.pk_entity_change_log = c.pk
                   AND c.created_at < $4
                   AND NOT EXISTS (SELECT 1 FROM core.observer_dead_letters d
                                    WHERE d.change_log_pk = c.pk AND d.status <> 'resolved')
                RETURNING 1),
            last AS (
                SELECT txid, pk FROM candidates ORDER BY txid DESC, pk DESC LIMIT 1)
            SELECT (SELECT count(*) FROM candidates) AS examined,
                   (SELECT count(*) FROM deleted) AS deleted,
                   (SELECT count(*) FROM candidates WHERE created_at >= $4) AS young,
                   (SELECT txid::text FROM last) AS last_txid,
                   (SELECT pk FROM last) AS last_pk""";

    private static final String AUTOVACUUM = """
            SELECT current_setting('autovacuum')::bool
                   AND COALESCE((SELECT o.option_value::bool FROM pg_options_to_table(c.reloptions) o
                                  WHERE o.option_name = 'autovacuum_enabled'), true)
              FROM pg_class c WHERE c.oid = 'core.tb_entity_change_log'::regclass""";

    /** What one sweep did. */
    public record Sweep(long deleted, int statements, boolean lockedOut) {
    }

    private final Pool pool;
    private final Duration retention;
    private final int batchSize;
    private final Clock clock;
    private final Counter deletedRows;
    private ScheduledExecutorService schedule;
    private String lastFailure;

    public ChangeLogRetention(Pool pool, Duration retention, int batchSize, Clock clock, MeterRegistry registry) {
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("retention must be positive, not " + retention);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, not " + batchSize);
        }
        this.pool = Objects.requireNonNull(pool, "pool");
        this.retention = retention;
        this.batchSize = batchSize;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.deletedRows = Counter.builder("observer_changelog_rows_deleted_total")
                .description("Change-log rows deleted by retention").register(registry);
    }

    /** Sweeps now and then every {@code period}, on a virtual thread, until closed. */
    public synchronized void start(Duration period) {
        if (schedule != null) {
            return;
        }
        schedule = Executors.newSingleThreadScheduledExecutor(
                Thread.ofVirtual().name("changelog-retention").factory());
        schedule.execute(this::warnWithoutAutovacuum);
        schedule.scheduleWithFixedDelay(this::sweepLogged, 0, period.toMillis(), TimeUnit.MILLISECONDS);
        LOG.infof("change-log retention: rows older than %s that every subscription has passed are deleted,"
                + " %d per statement, every %d s", RetentionPeriod.format(retention), batchSize, period.toSeconds());
    }

    /** Deleted rows' space is reused once VACUUM has run: without autovacuum the table would still grow. */
    private void warnWithoutAutovacuum() {
        try {
            boolean on = pool.query(AUTOVACUUM).execute().await().atMost(TIMEOUT).iterator().next().getBoolean(0);
            if (!on) {
                LOG.warn("autovacuum is off for core.tb_entity_change_log: retention deletes rows, but the table keeps"
                        + " their space until a VACUUM runs; turn autovacuum on or VACUUM the table periodically");
            }
        } catch (RuntimeException e) {
            LOG.debugf("cannot read the autovacuum setting: %s", e.getMessage());
        }
    }

    private void sweepLogged() {
        try {
            Sweep sweep = sweep();
            if (sweep.deleted() > 0) {
                LOG.infof("change-log retention deleted %d row(s) in %d statement(s)", sweep.deleted(), sweep.statements());
            }
            if (lastFailure != null) {
                LOG.infof("change-log retention works again");
                lastFailure = null;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (!Objects.equals(lastFailure, e.getMessage())) {
                LOG.warnf("change-log retention failed: %s; retried at the next sweep", e.getMessage());
            }
            lastFailure = e.getMessage();
        }
    }

    /**
     * Deletes every row that may go now, a batch per statement, and returns what it did. Stops at the first
     * row younger than the cut-off, at the slowest cursor, or when another daemon holds the sweep.
     */
    public Sweep sweep() throws InterruptedException {
        OffsetDateTime cutoff = OffsetDateTime.ofInstant(clock.instant().minus(retention), ZoneOffset.UTC);
        Position after = Position.START;
        long deleted = 0;
        int statements = 0;
        while (true) {
            long began = System.nanoTime();
            Row r = statement(after, cutoff);
            if (r == null) {
                return new Sweep(deleted, statements, true);
            }
            statements++;
            long n = r.getLong("deleted");
            deleted += n;
            deletedRows.increment(n);
            long examined = r.getLong("examined");
            if (examined < batchSize || r.getLong("young") > 0) {
                return new Sweep(deleted, statements, false);
            }
            after = new Position(Long.parseUnsignedLong(r.getString("last_txid")), r.getLong("last_pk"));
            Thread.sleep(Duration.ofNanos(System.nanoTime() - began));
        }
    }

    /** One statement under the sweep's lock; null when another daemon holds it. */
    private Row statement(Position after, OffsetDateTime cutoff) {
        Tuple args = Tuple.of(Long.toUnsignedString(after.txid()), after.pk(), batchSize, cutoff);
        return pool.withTransaction(conn -> locked(conn).onItem().transformToUni(mine -> mine
                ? conn.preparedQuery(DELETE).execute(args).onItem().transform(rows -> rows.iterator().next())
                : Uni.createFrom().<Row>nullItem())).await().atMost(TIMEOUT);
    }

    private static Uni<Boolean> locked(SqlConnection conn) {
        return conn.preparedQuery("SELECT pg_try_advisory_xact_lock($1) AS mine").execute(Tuple.of(LOCK_KEY))
                .onItem().transform(rows -> rows.iterator().next().getBoolean("mine"));
    }

    @Override
    public synchronized void close() {
        if (schedule != null) {
            schedule.shutdownNow();
            schedule = null;
        }
    }
}

package dev.observers.retention;

import dev.observers.checkpoint.Position;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * Where retention stands: the change log's size, its oldest row (in log order) and the slowest
 * cursor, which no retention passes. Read for {@code observers status}.
 *
 * @param estimatedRows the planner's estimate of the table's rows (cheap on a large table); -1 before the table
 *                      was first analyzed
 * @param bytes         the table's size on disk with its indexes
 */
public record Horizon(long estimatedRows, long bytes, Optional<OldestRow> oldest, Optional<Cursor> slowest) {

    /** The first row of the log in reading order. */
    public record OldestRow(long pk, Optional<OffsetDateTime> createdAt) {
    }

    /** The cursor furthest behind, of any subscription, running or not. */
    public record Cursor(String listenerId, Position position, Optional<OffsetDateTime> movedAt) {
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static final String READ = """
            SELECT c.reltuples::int8 AS estimated_rows,
                   pg_total_relation_size(c.oid) AS bytes,
                   o.pk_entity_change_log AS oldest_pk, o.created_at AS oldest_created_at,
                   s.listener_id, s.txid AS slowest_txid, s.last_processed_id AS slowest_pk,
                   s.last_processed_at AS slowest_moved_at
              FROM pg_class c
              LEFT JOIN LATERAL (
                   SELECT l.pk_entity_change_log, l.created_at FROM core.tb_entity_change_log l
                    ORDER BY COALESCE(l.txid, '0'::xid8), l.pk_entity_change_log LIMIT 1) o ON true
              LEFT JOIN LATERAL (
                   SELECT k.listener_id, COALESCE(k.last_txid, '0'::xid8)::text AS txid, k.last_processed_id,
                          k.last_processed_at
                     FROM public.observer_checkpoints k
                    ORDER BY COALESCE(k.last_txid, '0'::xid8), k.last_processed_id LIMIT 1) s ON true
             WHERE c.oid = 'core.tb_entity_change_log'::regclass""";

    /** Reads it now. */
    public static Horizon read(Pool pool) {
        Row r = pool.query(READ).execute().await().atMost(TIMEOUT).iterator().next();
        Optional<OldestRow> oldest = r.getLong("oldest_pk") == null ? Optional.empty()
                : Optional.of(new OldestRow(r.getLong("oldest_pk"), Optional.ofNullable(r.getOffsetDateTime("oldest_created_at"))));
        Optional<Cursor> slowest = r.getString("listener_id") == null ? Optional.empty()
                : Optional.of(new Cursor(r.getString("listener_id"),
                new Position(Long.parseUnsignedLong(r.getString("slowest_txid")), r.getLong("slowest_pk")),
                Optional.ofNullable(r.getOffsetDateTime("slowest_moved_at"))));
        return new Horizon(r.getLong("estimated_rows"), r.getLong("bytes"), oldest, slowest);
    }
}

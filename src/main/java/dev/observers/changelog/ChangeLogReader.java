package dev.observers.changelog;

import dev.observers.checkpoint.Position;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Reads the change log in commit-safe batches. A row is returned only once its writing transaction
 * is older than every transaction still running ({@code pg_snapshot_xmin}), in (txid, pk) order, so
 * a transaction that commits after a later one was read is never skipped: its rows sort before the
 * horizon that held them back. The cost: a transaction left open delays every row written after it
 * started, until it ends; it never loses one.
 */
public final class ChangeLogReader {

    private static final String COLUMNS = """
            SELECT COALESCE(l.txid, '0'::xid8)::text AS pos_txid, l.pk_entity_change_log, l.id, l.created_at,
                   l.tenant_id, l.fk_customer_org, l.fk_contact, l.object_type, l.object_id, l.modification_type,
                   l.object_data::text AS object_data, l.object_data_before::text AS object_data_before,
                   l.updated_fields, l.cascade::text AS cascade, l.trace_id, l.trace_context::text AS trace_context,
                   l.change_status, l.extra_metadata::text AS extra_metadata
              FROM core.tb_entity_change_log l
            """;

    static final String READ = COLUMNS + """
             WHERE (COALESCE(l.txid, '0'::xid8), l.pk_entity_change_log) > ($1::text::xid8, $2)
               AND COALESCE(l.txid, '0'::xid8) < (SELECT pg_snapshot_xmin(pg_current_snapshot()))
             ORDER BY COALESCE(l.txid, '0'::xid8), l.pk_entity_change_log
             LIMIT $3""";

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final Pool pool;

    public ChangeLogReader(Pool pool) {
        this.pool = pool;
    }

    /** Up to {@code limit} committed rows after {@code after}, in log order. */
    public List<ChangeLogRow> readAfter(Position after, int limit) {
        var rows = pool.preparedQuery(READ)
                .execute(Tuple.of(Long.toUnsignedString(after.txid()), after.pk(), limit))
                .await().atMost(TIMEOUT);
        List<ChangeLogRow> out = new ArrayList<>(rows.size());
        for (Row r : rows) {
            out.add(map(r));
        }
        return out;
    }

    /**
     * The same read without waiting for it: the rows are turned into {@link ChangeLogRow}s on
     * {@code executor}, not on the database client's event loop.
     */
    public CompletableFuture<List<ChangeLogRow>> readAfterAsync(Position after, int limit, Executor executor) {
        return pool.preparedQuery(READ)
                .execute(Tuple.of(Long.toUnsignedString(after.txid()), after.pk(), limit))
                .subscribeAsCompletionStage()
                .thenApplyAsync(rows -> {
                    List<ChangeLogRow> out = new ArrayList<>(rows.size());
                    for (Row r : rows) {
                        out.add(map(r));
                    }
                    return out;
                }, executor);
    }

    /** The row with primary key {@code pk}, whatever its place in the log; empty when it is gone. */
    public Optional<ChangeLogRow> read(long pk) {
        var rows = pool.preparedQuery(COLUMNS + " WHERE l.pk_entity_change_log = $1").execute(Tuple.of(pk))
                .await().atMost(TIMEOUT);
        return rows.size() == 0 ? Optional.empty() : Optional.of(map(rows.iterator().next()));
    }

    /** Columns by position, in the order of {@link #COLUMNS}: a lookup by name scans the names per value. */
    private static ChangeLogRow map(Row r) {
        String[] fields = r.getArrayOfStrings(12);
        return new ChangeLogRow(
                new Position(Long.parseUnsignedLong(r.getString(0)), r.getLong(1)),
                r.getUUID(2),
                r.getOffsetDateTime(3),
                r.getUUID(4),
                r.getLong(5),
                r.getLong(6),
                r.getString(7),
                r.getUUID(8),
                r.getString(9),
                r.getString(10),
                r.getString(11),
                fields == null ? null : Arrays.asList(fields),
                r.getString(13),
                r.getString(14),
                r.getString(15),
                r.getString(16),
                r.getString(17));
    }
}

package dev.observers.checkpoint;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * Finds where a replay starts in the change log: the position of the row just before a given row
 * (by pk) or before the first row written at or after a time, in the reader's (txid, pk) order.
 */
public final class ReplayTargets {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String POSITION = "COALESCE(txid, '0'::xid8)";

    private final Pool pool;

    public ReplayTargets(Pool pool) {
        this.pool = pool;
    }

    /** The position of row {@code pk}; empty when there is no such row. */
    public Optional<Position> ofRow(long pk) {
        return first(pool.preparedQuery("SELECT " + POSITION + "::text, pk_entity_change_log FROM core.tb_entity_change_log"
                + " WHERE pk_entity_change_log = $1").execute(Tuple.of(pk)).await().atMost(TIMEOUT));
    }

    /** The position of the first row in log order created at or after {@code at}; empty when none is. */
    public Optional<Position> firstAtOrAfter(Instant at) {
        return first(pool.preparedQuery("SELECT " + POSITION + "::text, pk_entity_change_log FROM core.tb_entity_change_log"
                        + " WHERE created_at >= $1 ORDER BY " + POSITION + ", pk_entity_change_log LIMIT 1")
                .execute(Tuple.of(OffsetDateTime.ofInstant(at, ZoneOffset.UTC))).await().atMost(TIMEOUT));
    }

    /** The position of the row just before {@code row} in log order, or the start when it is the first. */
    public Position before(Position row) {
        return first(pool.preparedQuery("SELECT " + POSITION + "::text, pk_entity_change_log FROM core.tb_entity_change_log"
                        + " WHERE (" + POSITION + ", pk_entity_change_log) < ($1::text::xid8, $2)"
                        + " ORDER BY " + POSITION + " DESC, pk_entity_change_log DESC LIMIT 1")
                .execute(Tuple.of(Long.toUnsignedString(row.txid()), row.pk())).await().atMost(TIMEOUT))
                .orElse(Position.START);
    }

    /** Rows after {@code from} up to and including {@code to}, counted up to {@code limit}. */
    public long rowsBetween(Position from, Position to, long limit) {
        return pool.preparedQuery("SELECT count(*) FROM (SELECT 1 FROM core.tb_entity_change_log"
                        + " WHERE (" + POSITION + ", pk_entity_change_log) > ($1::text::xid8, $2)"
                        + " AND (" + POSITION + ", pk_entity_change_log) <= ($3::text::xid8, $4) LIMIT $5) n")
                .execute(Tuple.of(Long.toUnsignedString(from.txid()), from.pk(), Long.toUnsignedString(to.txid()), to.pk(),
                        limit))
                .await().atMost(TIMEOUT).iterator().next().getLong(0);
    }

    /**
     * Other sessions LISTENing for change-log notifications, as a running daemon does: a daemon that
     * keeps running would write its own, later checkpoint over a replay's.
     */
    public long listeningDaemons() {
        return pool.query("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                        + " AND pid <> pg_backend_pid() AND query ILIKE 'LISTEN%observers_change_log%'")
                .execute().await().atMost(TIMEOUT).iterator().next().getLong(0);
    }

    private static Optional<Position> first(RowSet<Row> rows) {
        if (rows.size() == 0) {
            return Optional.empty();
        }
        Row r = rows.iterator().next();
        return Optional.of(new Position(Long.parseUnsignedLong(r.getString(0)), r.getLong(1)));
    }
}

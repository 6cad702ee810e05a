package dev.observers.checkpoint;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Reads each listener's checkpoint and how far the change log has run ahead of it, in one statement
 * that stays cheap on a large backlog: the rows behind are counted through the reader's
 * (txid, pk) index and only up to {@link #COUNT_LIMIT}, and the age comes from the first unprocessed
 * row in log order.
 */
public final class LagReader {

    /** Rows behind are counted up to this many; beyond it the lag reads "more than". */
    public static final long COUNT_LIMIT = 1_000_000;

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /**
     * Cursors that stand at one position (caught-up partitions of a subscription, subscriptions that read
     * together) share one count and one age lookup.
     */
    private static final String LAG = """
            WITH cursors AS (
                SELECT ids.listener_id, COALESCE(c.last_txid, '0'::xid8) AS txid,
                       COALESCE(c.last_processed_id, 0) AS pk, c.updated_at, c.updated_by, c.last_error,
                       CASE WHEN c.owner IS NOT NULL AND c.lease_expires_at > now() THEN c.owner END AS owner
                  FROM (%s) ids
                  LEFT JOIN public.observer_checkpoints c ON c.listener_id = ids.listener_id),
            positions AS (
                SELECT p.txid, p.pk,
                       (SELECT count(*) FROM (SELECT 1 FROM core.tb_entity_change_log l
                                               WHERE (COALESCE(l.txid, '0'::xid8), l.pk_entity_change_log) > (p.txid, p.pk)
                                               LIMIT $2) behind) AS behind,
                       (SELECT EXTRACT(EPOCH FROM clock_timestamp() - l.created_at)::float8
                          FROM core.tb_entity_change_log l
                         WHERE (COALESCE(l.txid, '0'::xid8), l.pk_entity_change_log) > (p.txid, p.pk)
                         ORDER BY COALESCE(l.txid, '0'::xid8), l.pk_entity_change_log
                         LIMIT 1) AS age_seconds
                  FROM (SELECT DISTINCT txid, pk FROM cursors) p)
            SELECT c.listener_id, c.txid::text AS txid, c.pk, c.updated_at, c.updated_by, c.last_error, c.owner,
                   p.behind, p.age_seconds
              FROM cursors c JOIN positions p ON p.txid = c.txid AND p.pk = c.pk
             ORDER BY c.listener_id""";

    private static final String GIVEN = "SELECT unnest($1::text[]) AS listener_id";
    private static final String GIVEN_AND_STORED = GIVEN + " UNION SELECT listener_id::text FROM public.observer_checkpoints";

    private static final String CLAIMS_OF = """
            SELECT listener_id::text FROM public.observer_checkpoints
             WHERE split_part(listener_id, '#', 1) = ANY($1::text[])""";

    private final Pool pool;
    private final long countLimit;

    public LagReader(Pool pool) {
        this(pool, COUNT_LIMIT);
    }

    /** @param countLimit rows behind are counted up to this many (tests use a small one) */
    LagReader(Pool pool, long countLimit) {
        this.pool = pool;
        this.countLimit = countLimit;
    }

    /** Every listener with a stored checkpoint, plus {@code alwaysShown} even before its first save. */
    public List<ListenerLag> all(Collection<String> alwaysShown) {
        return read(GIVEN_AND_STORED, alwaysShown);
    }

    /** The cursors of every claim of the subscriptions {@code subscriptions} ({@code observer:<name>}). */
    public List<ListenerLag> claimsOf(Collection<String> subscriptions) {
        return read(CLAIMS_OF, subscriptions);
    }

    /** Exactly the listeners {@code ids}. */
    public List<ListenerLag> of(Collection<String> ids) {
        return read(GIVEN, ids);
    }

    private List<ListenerLag> read(String ids, Collection<String> given) {
        var rows = pool.preparedQuery(LAG.formatted(ids))
                .execute(Tuple.of(given.toArray(String[]::new), countLimit + 1))
                .await().atMost(TIMEOUT);
        List<ListenerLag> out = new ArrayList<>(rows.size());
        for (Row r : rows) {
            long behind = r.getLong("behind");
            Double age = r.getDouble("age_seconds");
            out.add(new ListenerLag(
                    r.getString("listener_id"),
                    new Position(Long.parseUnsignedLong(r.getString("txid")), r.getLong("pk")),
                    Math.min(behind, countLimit),
                    behind > countLimit,
                    age == null ? Duration.ZERO : Duration.ofMillis(Math.max(0, Math.round(age * 1000))),
                    Optional.ofNullable(r.getOffsetDateTime("updated_at")),
                    Optional.ofNullable(r.getString("updated_by")),
                    Optional.ofNullable(r.getString("last_error")),
                    Optional.ofNullable(r.getString("owner"))));
        }
        return out;
    }
}

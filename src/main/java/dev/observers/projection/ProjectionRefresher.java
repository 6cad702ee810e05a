package dev.observers.projection;

import dev.observers.projection.Targets.Child;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Refreshes one projection's rows from its view, in one transaction per batch: the ids the batch
 * names (directly, through the lineage of moved children, through cascade queries) are recomputed by
 * one statement that upserts the rows still in the view — writing only those whose {@code data}
 * really changed — and deletes the rows gone from it. Refreshes of one projection take a transaction
 * advisory lock first, so two of them (a daemon and a rebuild, or two daemons around a claim
 * hand-over) never write one row from two different snapshots in the wrong order.
 */
public final class ProjectionRefresher {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    /** What one refresh did. {@code unchanged}: rows whose document was already equal (no write). */
    public record Outcome(int ids, int written, int unchanged, int deleted) {
        public static final Outcome NONE = new Outcome(0, 0, 0, 0);

        public Outcome plus(Outcome o) {
            return new Outcome(ids + o.ids, written + o.written, unchanged + o.unchanged, deleted + o.deleted);
        }
    }

    private final Pool pool;
    private final ProjectionDefinition projection;
    private final String refresh;

    /** @param shape the table's checked shape ({@link ProjectionSchema#check}) */
    public ProjectionRefresher(Pool pool, ProjectionDefinition projection, ProjectionSchema.Shape shape) {
        this.pool = pool;
        this.projection = projection;
        String table = projection.table();
        this.refresh = """
                WITH ids AS (SELECT DISTINCT unnest($1::text[])::%s AS id),
                     src AS (SELECT v.id, v.data FROM %s v JOIN ids ON v.id = ids.id),
                     up AS (INSERT INTO %s AS t (id, data) SELECT id, data FROM src
                            ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data%s
                            WHERE t.data IS DISTINCT FROM EXCLUDED.data
                            RETURNING 1),
                     del AS (DELETE FROM %s t USING ids WHERE t.id = ids.id
                               AND NOT EXISTS (SELECT 1 FROM src WHERE src.id = t.id)
                             RETURNING 1)
                SELECT (SELECT count(*) FROM src)::int, (SELECT count(*) FROM up)::int, (SELECT count(*) FROM del)::int
                """.formatted(shape.idType(), projection.view(), table,
                shape.hasUpdatedAt() ? ", updated_at = clock_timestamp()" : "", table);
    }

    public ProjectionDefinition projection() {
        return projection;
    }

    /** Resolves and refreshes what {@code targets} asks, in one transaction. */
    public Outcome refresh(Targets targets) {
        if (targets.isEmpty()) {
            return Outcome.NONE;
        }
        return inTransaction(conn -> {
            Set<String> ids = new LinkedHashSet<>(targets.ids());
            lineage(conn, targets.children(), ids);
            for (Targets.Query q : targets.queries()) {
                RowSet<Row> rows = conn.preparedQuery(q.sql()).execute(Tuple.of(q.entityId())).await().atMost(TIMEOUT);
                for (Row r : rows) {
                    Object id = r.getValue(0);
                    if (id != null) {
                        ids.add(id.toString());
                    }
                }
            }
            return refreshIds(conn, ids);
        });
    }

    /** Recomputes the rows {@code ids} from the view (used by a rebuild, batch by batch), in one transaction. */
    public Outcome refreshIds(Collection<String> ids) {
        return inTransaction(conn -> refreshIds(conn, ids));
    }

    private Outcome refreshIds(SqlConnection conn, Collection<String> ids) {
        if (ids.isEmpty()) {
            return Outcome.NONE;
        }
        Row r = conn.preparedQuery(refresh).execute(Tuple.of(ids.toArray(String[]::new))).await().atMost(TIMEOUT)
                .iterator().next();
        int found = r.getInteger(0);
        int written = r.getInteger(1);
        return new Outcome(ids.size(), written, found - written, r.getInteger(2));
    }

    /**
     * Adds the last recorded target of every child to {@code ids}, then records what each child's events
     * say now: its last target, or nothing once it is deleted.
     */
    private void lineage(SqlConnection conn, List<Child> children, Set<String> ids) {
        if (children.isEmpty()) {
            return;
        }
        Map<String, List<Child>> byKey = new HashMap<>();
        children.forEach(c -> byKey.computeIfAbsent(c.lineageKey(), k -> new ArrayList<>()).add(c));
        for (Map.Entry<String, List<Child>> e : byKey.entrySet()) {
            String[] childIds = e.getValue().stream().map(Child::childId).toArray(String[]::new);
            conn.preparedQuery("SELECT target_id FROM public.observer_projection_lineage"
                            + " WHERE projection = $1 AND lineage_key = $2 AND entity_id = ANY($3::text[])")
                    .execute(Tuple.of(projection.table(), e.getKey(), childIds)).await().atMost(TIMEOUT)
                    .forEach(row -> ids.add(row.getString(0)));
            e.getValue().forEach(c -> ids.addAll(c.seen()));
            List<String> gone = new ArrayList<>();
            List<Long> gonePks = new ArrayList<>();
            List<String> moved = new ArrayList<>();
            List<String> targets = new ArrayList<>();
            List<Long> pks = new ArrayList<>();
            for (Child c : e.getValue()) {
                if (c.gone()) {
                    gone.add(c.childId());
                    gonePks.add(c.gonePk());
                } else if (c.last().isPresent()) {
                    moved.add(c.childId());
                    targets.add(c.last().get());
                    pks.add(c.lastPk());
                }
            }
            if (!gone.isEmpty()) {
                conn.preparedQuery("""
                                DELETE FROM public.observer_projection_lineage l
                                 USING unnest($3::text[], $4::bigint[]) AS g(c, pk)
                                 WHERE l.projection = $1 AND l.lineage_key = $2 AND l.entity_id = g.c
                                   AND l.event_pk < g.pk""")
                        .execute(Tuple.of(projection.table(), e.getKey(), gone.toArray(String[]::new),
                                gonePks.toArray(Long[]::new)))
                        .await().atMost(TIMEOUT);
            }
            if (!moved.isEmpty()) {
                record(conn, e.getKey(), moved, targets, pks);
            }
        }
    }

    /** Records {@code targets[i]} as the target of child {@code childIds[i]}, said by change-log row {@code pks[i]}. */
    void record(SqlConnection conn, String lineageKey, List<String> childIds, List<String> targets, List<Long> pks) {
        conn.preparedQuery("""
                        INSERT INTO public.observer_projection_lineage
                               (projection, lineage_key, entity_id, target_id, event_pk)
                        SELECT $1, $2, c, t, pk FROM unnest($3::text[], $4::text[], $5::bigint[]) AS u(c, t, pk)
                        ON CONFLICT (projection, lineage_key, entity_id) DO UPDATE
                           SET target_id = EXCLUDED.target_id, event_pk = EXCLUDED.event_pk
                         WHERE observer_projection_lineage.event_pk < EXCLUDED.event_pk""")
                .execute(Tuple.of(projection.table(), lineageKey, childIds.toArray(String[]::new),
                        targets.toArray(String[]::new), pks.toArray(Long[]::new)))
                .await().atMost(TIMEOUT);
    }

    /** Runs {@code work} in a transaction holding this projection's refresh lock. */
    <T> T inTransaction(java.util.function.Function<SqlConnection, T> work) {
        SqlConnection conn = pool.getConnection().await().atMost(TIMEOUT);
        try {
            Transaction tx = conn.begin().await().atMost(TIMEOUT);
            try {
                // No flush of its own at commit: the cursor that passes these events is written later by a
                // synchronous commit, which flushes the log up to itself, this commit included. A crash
                // can lose only refreshes whose cursor was not durable either, and those run again.
                conn.query("SET LOCAL synchronous_commit = off").execute().await().atMost(TIMEOUT);
                conn.preparedQuery("SELECT pg_advisory_xact_lock(hashtext($1))")
                        .execute(Tuple.of(projection.subscription())).await().atMost(TIMEOUT);
                T result = work.apply(conn);
                tx.commit().await().atMost(TIMEOUT);
                return result;
            } catch (RuntimeException e) {
                try {
                    tx.rollback().await().atMost(TIMEOUT);
                } catch (RuntimeException ignored) {
                    // the connection is closed below; PostgreSQL rolls back with it
                }
                throw e;
            }
        } finally {
            conn.close().await().atMost(TIMEOUT);
        }
    }
}

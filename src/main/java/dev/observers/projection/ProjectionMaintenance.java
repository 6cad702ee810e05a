package dev.observers.projection;

import dev.observers.projection.ProjectionDefinition.KeyCascade;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * What operators run against a projection beside the daemon: {@link #verify} compares the table with
 * its view row by row, {@link #rebuild} recomputes every row from the view in batches. A rebuild runs
 * safely while the daemon refreshes and writers write: each batch is a refresh like the daemon's, under
 * the same lock, so whatever a batch computed from an older snapshot is recomputed again by the
 * daemon from the change rows that came after it.
 */
public final class ProjectionMaintenance {

    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    /** One row where the table and the view disagree: {@code missing} from the table, {@code extra} in it, or {@code differs}. */
    public record Difference(String id, String kind) {
    }

    /** The outcome of a verify: counts and the first differences. */
    public record Report(String table, long tableRows, long viewRows, long differences, List<Difference> first) {
        public boolean equal() {
            return differences == 0;
        }
    }

    private final Pool pool;
    private final ProjectionDefinition projection;
    private final ProjectionRefresher refresher;
    private final ProjectionSchema.Shape shape;

    public ProjectionMaintenance(Pool pool, ProjectionDefinition projection, ProjectionSchema.Shape shape) {
        this.pool = pool;
        this.projection = projection;
        this.shape = shape;
        this.refresher = new ProjectionRefresher(pool, projection, shape);
    }

    /** Compares every row of the table with the view: counts, and an md5 of each row's document. */
    public Report verify(int show) {
        String t = projection.table();
        String v = projection.view();
        Row counts = pool.query("SELECT (SELECT count(*) FROM " + t + "), (SELECT count(*) FROM " + v + ")")
                .execute().await().atMost(TIMEOUT).iterator().next();
        String diff = """
                SELECT COALESCE(t.id, v.id)::text AS id,
                       CASE WHEN t.id IS NULL THEN 'missing' WHEN v.id IS NULL THEN 'extra' ELSE 'differs' END AS kind
                  FROM %s t FULL JOIN %s v ON t.id = v.id
                 WHERE t.id IS NULL OR v.id IS NULL OR md5(t.data::text) <> md5(v.data::text)
                """.formatted(t, v);
        long differences = pool.query("SELECT count(*) FROM (" + diff + ") d").execute().await().atMost(TIMEOUT)
                .iterator().next().getLong(0);
        List<Difference> first = new ArrayList<>();
        pool.query(diff + " ORDER BY 1 LIMIT " + Math.max(0, show)).execute().await().atMost(TIMEOUT)
                .forEach(r -> first.add(new Difference(r.getString(0), r.getString(1))));
        return new Report(t, counts.getLong(0), counts.getLong(1), differences, first);
    }

    /**
     * Recomputes the table from its view in batches of {@code batch} ids (rows of the view in id order,
     * then the table's rows the view no longer has), after re-seeding the lineage of key cascades from
     * the change log's last event of each child. {@code progress} gets (rows done, rows in all).
     */
    public ProjectionRefresher.Outcome rebuild(int batch, BiConsumer<Long, Long> progress) {
        seedLineage();
        String t = projection.table();
        String v = projection.view();
        long viewRows = pool.query("SELECT count(*) FROM " + v).execute().await().atMost(TIMEOUT).iterator().next().getLong(0);
        long extra = pool.query("SELECT count(*) FROM " + t + " t WHERE NOT EXISTS (SELECT 1 FROM " + v
                + " v WHERE v.id = t.id)").execute().await().atMost(TIMEOUT).iterator().next().getLong(0);
        long total = viewRows + extra;
        long done = 0;
        ProjectionRefresher.Outcome outcome = ProjectionRefresher.Outcome.NONE;
        progress.accept(0L, total);
        String after = null;
        while (true) {
            var rows = after == null
                    ? pool.preparedQuery("SELECT id::text FROM " + v + " ORDER BY id LIMIT $1").execute(Tuple.of(batch))
                    : pool.preparedQuery("SELECT id::text FROM " + v + " WHERE id > $1::text::" + shape.idType()
                    + " ORDER BY id LIMIT $2").execute(Tuple.of(after, batch));
            List<String> ids = new ArrayList<>();
            rows.await().atMost(TIMEOUT).forEach(r -> ids.add(r.getString(0)));
            if (ids.isEmpty()) {
                break;
            }
            outcome = outcome.plus(refresher.refreshIds(ids));
            done += ids.size();
            progress.accept(Math.min(done, total), total);
            after = ids.getLast();
        }
        while (true) {
            List<String> ids = new ArrayList<>();
            pool.preparedQuery("SELECT t.id::text FROM " + t + " t WHERE NOT EXISTS (SELECT 1 FROM " + v
                            + " v WHERE v.id = t.id) ORDER BY t.id LIMIT $1").execute(Tuple.of(batch))
                    .await().atMost(TIMEOUT).forEach(r -> ids.add(r.getString(0)));
            if (ids.isEmpty()) {
                break;
            }
            outcome = outcome.plus(refresher.refreshIds(ids));
            done += ids.size();
            progress.accept(Math.min(done, total), Math.max(total, done));
        }
        return outcome;
    }

    /** Records, for each key cascade, every child's target as the change log's last event of it says. */
    private void seedLineage() {
        for (ProjectionDefinition.Cascade c : projection.cascades()) {
            if (!(c instanceof KeyCascade key)) {
                continue;
            }
            String[] path = key.steps().toArray(String[]::new);
            refresher.inTransaction(conn -> {
                conn.preparedQuery("""
                                WITH last AS (
                                    SELECT DISTINCT ON (object_id) object_id, modification_type, pk_entity_change_log AS pk,
                                           CASE WHEN modification_type = 'DELETE' THEN NULL ELSE object_data #>> $3 END AS target
                                      FROM core.tb_entity_change_log
                                     WHERE object_type = $4 AND object_id IS NOT NULL
                                     ORDER BY object_id, pk_entity_change_log DESC),
                                gone AS (DELETE FROM public.observer_projection_lineage l USING last
                                          WHERE l.projection = $1 AND l.lineage_key = $2
                                            AND l.entity_id = last.object_id::text AND last.target IS NULL)
                                INSERT INTO public.observer_projection_lineage
                                       (projection, lineage_key, entity_id, target_id, event_pk)
                                SELECT $1, $2, object_id::text, target, pk FROM last WHERE target IS NOT NULL
                                ON CONFLICT (projection, lineage_key, entity_id) DO UPDATE
                                   SET target_id = EXCLUDED.target_id, event_pk = EXCLUDED.event_pk""")
                        .execute(Tuple.of(projection.table(), Targets.lineageKey(key), path, key.entity()))
                        .await().atMost(TIMEOUT);
                return null;
            });
        }
    }
}

package dev.observers.projection;

import dev.observers.projection.ProjectionDefinition.QueryCascade;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a projection against the database before it runs: the table and the view exist, both have
 * {@code id} and {@code data} (JSONB), the table's {@code id} is unique (the upsert needs it), and each
 * cascade query prepares. Every problem is reported with the definition's file and line.
 */
public final class ProjectionSchema {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** What the refresh statement needs to know of the table. */
    public record Shape(String idType, boolean hasUpdatedAt) {
    }

    private ProjectionSchema() {
    }

    /** The shape of each projection, in order; throws listing every problem when there is one. */
    public static List<Shape> check(Pool pool, List<ProjectionDefinition> projections) {
        List<String> problems = new ArrayList<>();
        List<Shape> shapes = new ArrayList<>();
        if (projections.isEmpty()) {
            return shapes;
        }
        SqlConnection conn = pool.getConnection().await().atMost(TIMEOUT);
        try {
            for (ProjectionDefinition p : projections) {
                String at = p.source() + ": projections." + p.table() + ": ";
                Map<String, String> table = columns(conn, p.table(), false);
                Map<String, String> view = columns(conn, p.view(), true);
                int before = problems.size();
                if (table == null) {
                    problems.add(at + "table " + p.table() + " does not exist (create it with id PRIMARY KEY and"
                            + " data JSONB)");
                } else {
                    shapeProblems(table, "table " + p.table()).forEach(m -> problems.add(at + m));
                    if (table.containsKey("id") && !uniqueId(conn, p.table())) {
                        problems.add(at + "table " + p.table() + " has no unique index on id (make id its primary key)");
                    }
                }
                if (view == null) {
                    problems.add(at + "view " + p.view() + " does not exist");
                } else {
                    shapeProblems(view, "view " + p.view()).forEach(m -> problems.add(at + m));
                }
                if (table != null && view != null && table.containsKey("id") && view.containsKey("id")
                        && !table.get("id").equals(view.get("id"))) {
                    problems.add(at + "id is " + table.get("id") + " in the table but " + view.get("id") + " in the view");
                }
                for (int i = 0; i < p.cascades().size(); i++) {
                    if (p.cascades().get(i) instanceof QueryCascade q) {
                        try {
                            conn.prepare(q.sql()).await().atMost(TIMEOUT);
                        } catch (RuntimeException e) {
                            problems.add(at + "cascades[" + i + "].query does not prepare: " + e.getMessage());
                        }
                    }
                }
                shapes.add(problems.size() > before ? null
                        : new Shape(table.get("id"), table.containsKey("updated_at")));
            }
        } finally {
            conn.close().await().atMost(TIMEOUT);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n", problems));
        }
        return shapes;
    }

    private static List<String> shapeProblems(Map<String, String> columns, String what) {
        List<String> out = new ArrayList<>();
        if (!columns.containsKey("id")) {
            out.add(what + " has no column id");
        }
        if (!columns.containsKey("data")) {
            out.add(what + " has no column data");
        } else if (!columns.get("data").equals("jsonb")) {
            out.add(what + "'s data is " + columns.get("data") + ", expected jsonb");
        }
        return out;
    }

    /** The columns of relation {@code name} and their types; null when there is no such relation. */
    private static Map<String, String> columns(SqlConnection conn, String name, boolean view) {
        var rows = conn.preparedQuery("""
                        SELECT a.attname, format_type(a.atttypid, a.atttypmod), c.relkind::text
                          FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
                         WHERE c.oid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped""")
                .execute(Tuple.of(name)).await().atMost(TIMEOUT);
        if (rows.size() == 0) {
            return null;
        }
        Map<String, String> out = new HashMap<>();
        for (Row r : rows) {
            String kind = r.getString(2);
            boolean isView = kind.equals("v") || kind.equals("m");
            if (view != isView && !(view && kind.equals("r"))) {
                return null;
            }
            out.put(r.getString(0), r.getString(1));
        }
        return out;
    }

    private static boolean uniqueId(SqlConnection conn, String table) {
        return conn.preparedQuery("""
                        SELECT EXISTS (SELECT 1 FROM pg_index i JOIN pg_attribute a
                                         ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
                                        WHERE i.indrelid = to_regclass($1) AND i.indisunique AND i.indnkeyatts = 1
                                          AND a.attname = 'id')""")
                .execute(Tuple.of(table)).await().atMost(TIMEOUT).iterator().next().getBoolean(0);
    }
}

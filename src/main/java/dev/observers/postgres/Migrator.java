package dev.observers.postgres;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies the SQL files under {@code db/} in order, each once, recorded in
 * {@code core.observers_schema_migrations}. The files themselves are idempotent too (IF NOT EXISTS
 * everywhere) and never drop, rename or rewrite a user's column or row. Concurrent daemons
 * serialise on an advisory lock.
 */
public final class Migrator {

    /** The migration files, in the order they apply. Append only. */
    public static final List<String> MIGRATIONS = List.of(
            "V1__change_log.sql",
            "V2__checkpoints_and_dead_letters.sql",
            "V3__change_log_position_index.sql",
            "V4__claims.sql",
            "V5__projection_lineage.sql",
            "V6__wakeups_on_request.sql",
            "V7__retention.sql");

    private static final Logger LOG = Logger.getLogger(Migrator.class);
    private static final long LOCK_KEY = 0x6f62736572766572L; // "observer"
    private static final Duration TIMEOUT = Duration.ofMinutes(30);

    private final Pool pool;

    public Migrator(Pool pool) {
        this.pool = pool;
    }

    /** Applies what is pending; returns the names of the files applied by this call. */
    public List<String> migrate() {
        SqlConnection conn = pool.getConnection().await().atMost(TIMEOUT);
        try {
            lock(conn);
            // "already exists, skipping" notices are the idempotent files working as meant; warnings still show.
            conn.query("SET client_min_messages = warning").execute().await().atMost(TIMEOUT);
            try {
                conn.query("CREATE SCHEMA IF NOT EXISTS core").execute().await().atMost(TIMEOUT);
                conn.query("""
                        CREATE TABLE IF NOT EXISTS core.observers_schema_migrations (
                            name        TEXT PRIMARY KEY,
                            checksum    TEXT NOT NULL,
                            applied_at  TIMESTAMPTZ NOT NULL DEFAULT now())""").execute().await().atMost(TIMEOUT);
                Map<String, String> applied = new HashMap<>();
                for (Row r : conn.query("SELECT name, checksum FROM core.observers_schema_migrations").execute()
                        .await().atMost(TIMEOUT)) {
                    applied.put(r.getString("name"), r.getString("checksum"));
                }
                List<String> done = new ArrayList<>();
                for (String name : MIGRATIONS) {
                    SqlScript script = SqlScript.of(name, load(name));
                    String checksum = sha256(script.text());
                    String previous = applied.get(name);
                    if (previous != null) {
                        if (!previous.equals(checksum)) {
                            LOG.warnf("migration %s was applied with a different checksum (%s, now %s); not re-applied",
                                    name, previous, checksum);
                        }
                        continue;
                    }
                    apply(conn, script, checksum);
                    done.add(name);
                    LOG.infof("applied migration %s", name);
                }
                return done;
            } finally {
                conn.query("RESET client_min_messages").execute().await().atMost(TIMEOUT);
                conn.query("SELECT pg_advisory_unlock(" + LOCK_KEY + ")").execute().await().atMost(TIMEOUT);
            }
        } finally {
            conn.closeAndAwait();
        }
    }

    /**
     * Takes the migration lock, polling rather than blocking: a session blocked in
     * {@code pg_advisory_lock} is inside a statement, and the holder's {@code CREATE INDEX CONCURRENTLY}
     * waits for every such statement to end, which would be a deadlock between daemons starting together.
     */
    private static void lock(SqlConnection conn) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            Row r = conn.query("SELECT pg_try_advisory_lock(" + LOCK_KEY + ") AS locked").execute().await()
                    .atMost(TIMEOUT).iterator().next();
            if (r.getBoolean("locked")) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("another process has held the migration lock for more than "
                        + TIMEOUT.toMinutes() + " min");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the migration lock", e);
            }
        }
    }

    /**
     * The migrations this database still lacks, without applying anything: commands that only read
     * or adjust the daemon's tables use it to ask for {@code observers migrate} instead of failing
     * on a missing table.
     */
    public List<String> pending() {
        Row registry = pool.query("SELECT to_regclass('core.observers_schema_migrations') IS NOT NULL AS present")
                .execute().await().atMost(TIMEOUT).iterator().next();
        if (!registry.getBoolean("present")) {
            return MIGRATIONS;
        }
        List<String> applied = new ArrayList<>();
        for (Row r : pool.query("SELECT name FROM core.observers_schema_migrations").execute().await().atMost(TIMEOUT)) {
            applied.add(r.getString("name"));
        }
        return MIGRATIONS.stream().filter(name -> !applied.contains(name)).toList();
    }

    private static void apply(SqlConnection conn, SqlScript script, String checksum) {
        List<String> statements = script.statements();
        if (script.transactional()) {
            var tx = conn.begin().await().atMost(TIMEOUT);
            try {
                for (String sql : statements) {
                    run(conn, script, sql);
                }
                record(conn, script, checksum);
                tx.commit().await().atMost(TIMEOUT);
            } catch (RuntimeException e) {
                tx.rollback().onFailure().recoverWithNull().await().atMost(TIMEOUT);
                throw e;
            }
        } else {
            for (String sql : statements) {
                run(conn, script, sql);
            }
            record(conn, script, checksum);
        }
    }

    private static void run(SqlConnection conn, SqlScript script, String sql) {
        try {
            conn.query(sql).execute().await().atMost(TIMEOUT);
        } catch (RuntimeException e) {
            throw new MigrationException("migration " + script.name() + " failed at statement:\n" + sql
                    + "\ncause: " + e.getMessage(), e);
        }
    }

    private static void record(SqlConnection conn, SqlScript script, String checksum) {
        conn.preparedQuery("INSERT INTO core.observers_schema_migrations (name, checksum) VALUES ($1, $2)")
                .execute(Tuple.of(script.name(), checksum)).await().atMost(TIMEOUT);
    }

    private static String load(String name) {
        String path = "db/" + name;
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("migration resource missing from the build: " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read migration " + path, e);
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

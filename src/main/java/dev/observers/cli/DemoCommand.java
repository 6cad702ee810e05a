package dev.observers.cli;

import dev.observers.changelog.ChangeLogReader;
import dev.observers.changelog.ChangeLogRow;
import dev.observers.checkpoint.Position;
import dev.observers.config.ConfigCheck;
import dev.observers.config.ObserversConfig;
import dev.observers.postgres.Postgres;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Runs the daemon on a sample blog (users, posts, comments) and writes a stream of changes into it,"
                + " showing them flow through.",
        footer = {"", "Examples:", "  observers demo", "  observers demo --changes 5000 --rate 1000"})
public class DemoCommand implements Runnable {

    @Option(names = "--changes", defaultValue = "1000", description = "Changes to write (default: ${DEFAULT-VALUE}).")
    int changes;

    @Option(names = "--rate", defaultValue = "200",
            description = "Changes per second; 0 writes as fast as the database takes them (default: ${DEFAULT-VALUE}).")
    int rate;

    @Inject
    ObserversConfig config;

    @Inject
    Postgres postgres;

    private final List<UUID> users = new ArrayList<>();
    private final List<UUID> posts = new ArrayList<>();
    private final List<UUID> comments = new ArrayList<>();

    @Override
    public void run() {
        ConfigCheck.require(config);
        postgres.migrate();
        Pool pool = postgres.pool();
        for (String sql : resource("demo/blog.sql").split(";\\s*\\n")) {
            if (!sql.isBlank()) {
                pool.query(sql).execute().await().indefinitely();
            }
        }
        System.err.println("demo: blog schema ready in " + postgres.url().redacted());

        Position head = headPosition(pool);
        ChangeLogReader reader = new ChangeLogReader(pool);
        Map<String, LongAdder> readByKind = new ConcurrentHashMap<>();
        AtomicLong read = new AtomicLong();
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread readerThread = Thread.ofPlatform().name("demo-reader").start(() -> {
            Position at = head;
            while ((writing.get() || read.get() < changes) && !Thread.currentThread().isInterrupted()) {
                List<ChangeLogRow> batch = reader.readAfter(at, config.listener().batchSize());
                for (ChangeLogRow row : batch) {
                    readByKind.computeIfAbsent(row.objectType() + " " + row.modificationType(), k -> new LongAdder())
                            .increment();
                    at = row.position();
                }
                read.addAndGet(batch.size());
                if (batch.isEmpty()) {
                    sleep(50);
                }
            }
        });

        ProgressBar bar = new ProgressBar("demo", changes);
        long start = System.nanoTime();
        for (int i = 0; i < changes; i++) {
            writeOneChange(pool, i);
            if (rate > 0) {
                long due = start + (long) ((i + 1) * 1e9 / rate);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    sleep(wait / 1_000_000);
                }
            }
            bar.update(i + 1, "written, " + read.get() + " read");
        }
        writing.set(false);
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (read.get() < changes && System.nanoTime() < deadline) {
            bar.update(changes, "written, " + read.get() + " read");
            sleep(50);
        }
        double secs = (System.nanoTime() - start) / 1e9;
        bar.finish(changes, "written, " + read.get() + " read in " + String.format("%.1f s", secs));
        readerThread.interrupt();

        System.out.printf("%n%-20s %8s%n", "CHANGE", "READ");
        new TreeMap<>(readByKind).forEach((kind, n) -> System.out.printf("%-20s %8d%n", kind, n.sum()));
        System.out.printf("%-20s %8d%n", "total", read.get());
        if (read.get() != changes) {
            throw new IllegalStateException("read " + read.get() + " of " + changes + " changes within 30 s");
        }
    }

    private void writeOneChange(Pool pool, int i) {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        int dice = rnd.nextInt(100);
        if (users.size() < 3 || dice < 10) {
            users.add(one(pool, """
                    WITH u AS (INSERT INTO blog.tb_user (email, name) VALUES ($1, $2) RETURNING *)
                    INSERT INTO core.tb_entity_change_log (object_type, object_id, modification_type, object_data)
                    SELECT 'User', u.id, 'INSERT', to_jsonb(u) FROM u RETURNING object_id""",
                    Tuple.of("user" + i + "-" + UUID.randomUUID() + "@example.com", "User " + i)));
        } else if (posts.size() < 3 || dice < 40) {
            posts.add(one(pool, """
                    WITH p AS (INSERT INTO blog.tb_post (fk_author, title, body) VALUES ($1, $2, $3) RETURNING *)
                    INSERT INTO core.tb_entity_change_log (object_type, object_id, modification_type, object_data)
                    SELECT 'Post', p.id, 'INSERT', to_jsonb(p) FROM p RETURNING object_id""",
                    Tuple.of(pick(users), "Post " + i, "Lorem ipsum " + i)));
        } else if (dice < 65) {
            String status = rnd.nextBoolean() ? "published" : "draft";
            one(pool, """
                    WITH b AS (SELECT * FROM blog.tb_post WHERE id = $1),
                         a AS (UPDATE blog.tb_post SET status = $2 WHERE id = $1 RETURNING *)
                    INSERT INTO core.tb_entity_change_log
                           (object_type, object_id, modification_type, object_data, object_data_before, updated_fields)
                    SELECT 'Post', a.id, 'UPDATE', to_jsonb(a), to_jsonb(b), ARRAY['status'] FROM a, b
                    RETURNING object_id""", Tuple.of(pick(posts), status));
        } else if (comments.isEmpty() || dice < 95) {
            comments.add(one(pool, """
                    WITH c AS (INSERT INTO blog.tb_comment (fk_post, fk_author, body) VALUES ($1, $2, $3) RETURNING *)
                    INSERT INTO core.tb_entity_change_log (object_type, object_id, modification_type, object_data)
                    SELECT 'Comment', c.id, 'INSERT', to_jsonb(c) FROM c RETURNING object_id""",
                    Tuple.of(pick(posts), pick(users), "Comment " + i)));
        } else {
            UUID id = comments.remove(rnd.nextInt(comments.size()));
            one(pool, """
                    WITH d AS (DELETE FROM blog.tb_comment WHERE id = $1 RETURNING *)
                    INSERT INTO core.tb_entity_change_log (object_type, object_id, modification_type, object_data_before)
                    SELECT 'Comment', d.id, 'DELETE', to_jsonb(d) FROM d RETURNING object_id""", Tuple.of(id));
        }
    }

    private static UUID one(Pool pool, String sql, Tuple args) {
        var rows = pool.preparedQuery(sql).execute(args).await().indefinitely();
        if (rows.size() != 1) {
            throw new IllegalStateException("demo write affected " + rows.size() + " rows: " + sql);
        }
        return rows.iterator().next().getUUID(0);
    }

    private static UUID pick(List<UUID> ids) {
        return ids.get(ThreadLocalRandom.current().nextInt(ids.size()));
    }

    private static Position headPosition(Pool pool) {
        var rows = pool.query("""
                SELECT COALESCE(txid, '0'::xid8)::text AS txid, pk_entity_change_log AS pk
                  FROM core.tb_entity_change_log
                 ORDER BY COALESCE(txid, '0'::xid8) DESC, pk_entity_change_log DESC LIMIT 1""")
                .execute().await().indefinitely();
        if (rows.size() == 0) {
            return Position.START;
        }
        Row r = rows.iterator().next();
        return new Position(Long.parseUnsignedLong(r.getString("txid")), r.getLong("pk"));
    }

    private static String resource(String path) {
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + path, e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

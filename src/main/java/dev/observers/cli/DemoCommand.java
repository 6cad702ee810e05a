package dev.observers.cli;

import dev.observers.daemon.Daemon;
import dev.observers.config.ConfigCheck;
import dev.observers.config.ObserversConfig;
import dev.observers.postgres.Postgres;
import dev.observers.observer.ObserverFileLoader;
import dev.observers.postgres.SqlScript;
import dev.observers.projection.ProjectionDefinition;
import dev.observers.projection.ProjectionMaintenance;
import dev.observers.projection.ProjectionSchema;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

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

    @Inject
    Daemon daemon;

    private final Map<String, Long> written = new HashMap<>();
    private final Map<UUID, String> postStatus = new HashMap<>();
    private long published;
    private final List<UUID> users = new ArrayList<>();
    private final List<UUID> posts = new ArrayList<>();
    private final List<UUID> comments = new ArrayList<>();

    @Override
    public void run() {
        ConfigCheck.require(config);
        postgres.migrate();
        Pool pool = postgres.pool();
        for (String sql : SqlScript.of("demo/blog.sql", resource("demo/blog.sql")).statements()) {
            pool.query(sql).execute().await().indefinitely();
        }
        System.err.println("demo: blog schema ready in " + postgres.url().redacted());

        String secret = Optional.ofNullable(System.getenv("BLOG_WEBHOOK_SECRET")).orElse(UUID.randomUUID().toString());
        try (DemoReceiver receiver = DemoReceiver.start(secret)) {
            if (System.getenv("BLOG_WEBHOOK_URL") == null) {
                System.setProperty("BLOG_WEBHOOK_URL", receiver.url());
                System.setProperty("BLOG_WEBHOOK_SECRET", secret);
                System.err.println("demo: post_published webhooks go to the demo's own receiver at " + receiver.url());
            }
            Path observers = config.config().map(Path::of).orElseGet(() -> copyOfResource("demo/observers.yaml"));
            daemon.start(Optional.of(observers));
            long catchUpDeadline = System.nanoTime() + 60_000_000_000L;
            while (!daemon.caughtUp() && System.nanoTime() < catchUpDeadline) {
                sleep(50);
            }
            if (daemon.eventsProcessed() > 0) {
                System.err.println("demo: the daemon first caught up on " + daemon.eventsProcessed()
                        + " change(s) left from earlier runs");
            }
            long processedBefore = daemon.eventsProcessed();
            long webhooksBefore = receiver.received();

            ProgressBar bar = new ProgressBar("demo", changes);
            long start = System.nanoTime();
            for (int i = 0; i < changes; i++) {
                writeOneChange(pool, i);
                if (rate > 0) {
                    long wait = start + (long) ((i + 1) * 1e9 / rate) - System.nanoTime();
                    if (wait > 0) {
                        sleep(wait / 1_000_000);
                    }
                }
                bar.update(i + 1, progress(daemon.eventsProcessed() - processedBefore, receiver.received() - webhooksBefore));
            }
            long deadline = System.nanoTime() + 30_000_000_000L;
            while ((daemon.eventsProcessed() - processedBefore < changes || receiver.received() - webhooksBefore < published)
                    && System.nanoTime() < deadline) {
                bar.update(changes, progress(daemon.eventsProcessed() - processedBefore, receiver.received() - webhooksBefore));
                sleep(50);
            }
            long processed = daemon.eventsProcessed() - processedBefore;
            long webhooks = receiver.received() - webhooksBefore;
            bar.finish(changes, progress(processed, webhooks)
                    + String.format(" in %.1f s", (System.nanoTime() - start) / 1e9));

            System.out.printf("%n%-20s %8s%n", "CHANGE WRITTEN", "COUNT");
            new TreeMap<>(written).forEach((kind, n) -> System.out.printf("%-20s %8d%n", kind, n));
            System.out.printf("%-20s %8d%n%n", "total", changes);
            System.out.printf("%-36s %8d%n", "events processed by the daemon", processed);
            System.out.printf("%-36s %8d%n", "posts published (expected webhooks)", published);
            System.out.printf("%-36s %8d%n", "webhooks received, signature valid", webhooks);
            System.out.printf("%-36s %8d%n", "webhooks refused, signature invalid", receiver.badSignatures());
            boolean projectionsEqual = showProjections(pool, observers);
            stopDaemon();
            if (processed < changes || webhooks < published) {
                throw new IllegalStateException("the daemon handled " + processed + " of " + changes
                        + " changes and delivered " + webhooks + " of " + published + " webhooks within 30 s");
            }
            if (!projectionsEqual) {
                throw new IllegalStateException("a projection differs from its view after the daemon caught up");
            }
        }
    }

    /**
     * Each projection of the definitions against its view, and the document it wrote last: the read
     * side the daemon kept while the changes were written. Returns whether all are equal.
     */
    private static boolean showProjections(Pool pool, Path definitions) {
        List<ProjectionDefinition> projections = ObserverFileLoader.loadAll(definitions).projections();
        if (projections.isEmpty()) {
            return true;
        }
        List<ProjectionSchema.Shape> shapes = ProjectionSchema.check(pool, projections);
        boolean equal = true;
        System.out.println();
        for (int i = 0; i < projections.size(); i++) {
            ProjectionDefinition p = projections.get(i);
            ProjectionMaintenance.Report r = new ProjectionMaintenance(pool, p, shapes.get(i)).verify(0);
            equal &= r.equal();
            System.out.printf("%-36s %8d  %s%n", p.table() + " documents", r.tableRows(),
                    r.equal() ? "equal to " + p.view() : r.differences() + " differ from " + p.view());
            if (shapes.get(i).hasUpdatedAt()) {
                var last = pool.query("SELECT data::text FROM " + p.table() + " ORDER BY updated_at DESC LIMIT 1")
                        .execute().await().indefinitely();
                if (last.size() > 0) {
                    System.out.println("  last written: " + last.iterator().next().getString(0));
                }
            }
        }
        return equal;
    }

    private static String progress(long processed, long webhooks) {
        return "written, " + processed + " processed, " + webhooks + " webhooks";
    }

    private void stopDaemon() {
        try {
            daemon.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Path copyOfResource(String path) {
        try {
            Path file = Files.createTempFile("observers-demo-", ".yaml");
            file.toFile().deleteOnExit();
            Files.writeString(file, resource(path));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the demo's observers file", e);
        }
    }

    private void writeOneChange(Pool pool, int i) {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        int dice = rnd.nextInt(100);
        if (users.size() < 3 || dice < 10) {
            written.merge("User INSERT", 1L, Long::sum);
            users.add(one(pool, """
                    WITH u AS (INSERT INTO blog.tb_user (email, name) VALUES ($1, $2) RETURNING *)
                    INSERT INTO core.tb_entity_change_log (object_type, object_id, modification_type, object_data)
                    SELECT 'User', u.id, 'INSERT', to_jsonb(u) FROM u RETURNING object_id""",
                    Tuple.of("user" + i + "-" + UUID.randomUUID() + "@example.com", "User " + i)));
        } else if (posts.size() < 3 || dice < 40) {
            written.merge("Post INSERT", 1L, Long::sum);
            UUID post = one(pool, """
                    WITH p AS (INSERT INTO blog.tb_post (fk_author, title, body) VALUES ($1, $2, $3) RETURNING *)
                    INSERT INTO core.tb_entity_change_log (object_type, object_id, modification_type, object_data)
                    SELECT 'Post', p.id, 'INSERT', to_jsonb(p) FROM p RETURNING object_id""",
                    Tuple.of(pick(users), "Post " + i, "Lorem ipsum " + i));
            posts.add(post);
            postStatus.put(post, "draft");
        } else if (dice < 65) {
            String status = rnd.nextBoolean() ? "published" : "draft";
            UUID post = pick(posts);
            written.merge("Post UPDATE", 1L, Long::sum);
            String previous = postStatus.put(post, status);
            if (status.equals("published") && !status.equals(previous)) {
                published++;
            }
            one(pool, """
                    WITH b AS (SELECT * FROM blog.tb_post WHERE id = $1),
                         a AS (UPDATE blog.tb_post SET status = $2 WHERE id = $1 RETURNING *)
                    INSERT INTO core.tb_entity_change_log
                           (object_type, object_id, modification_type, object_data, object_data_before, updated_fields)
                    SELECT 'Post', a.id, 'UPDATE', to_jsonb(a), to_jsonb(b), ARRAY['status'] FROM a, b
                    RETURNING object_id""", Tuple.of(post, status));
        } else if (comments.isEmpty() || dice < 95) {
            written.merge("Comment INSERT", 1L, Long::sum);
            comments.add(one(pool, """
                    WITH c AS (INSERT INTO blog.tb_comment (fk_post, fk_author, body) VALUES ($1, $2, $3) RETURNING *)
                    INSERT INTO core.tb_entity_change_log (object_type, object_id, modification_type, object_data)
                    SELECT 'Comment', c.id, 'INSERT', to_jsonb(c) FROM c RETURNING object_id""",
                    Tuple.of(pick(posts), pick(users), "Comment " + i)));
        } else {
            UUID id = comments.remove(rnd.nextInt(comments.size()));
            written.merge("Comment DELETE", 1L, Long::sum);
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

package dev.observers.cli;

import dev.observers.config.PgUrl;
import dev.observers.testing.DaemonProcess;
import dev.observers.testing.PostgresServer;
import dev.observers.testing.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * tv_post kept equal to v_post by the daemon from the change log, on FraiseQL's blog domain (users,
 * posts, comments): cascades through a key and a query, moves with and without before images, and a
 * randomized workload of concurrent writers, with the daemon killed (-9) mid-stream, compared row by
 * row with the view once the daemon has caught up.
 */
class ProjectionsIT {

    private static final String SCHEMA = """
            CREATE SCHEMA blog;
            CREATE TABLE blog.tb_user (id UUID PRIMARY KEY DEFAULT gen_random_uuid(), name TEXT NOT NULL);
            CREATE TABLE blog.tb_post (id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
                                       fk_author UUID NOT NULL REFERENCES blog.tb_user (id), title TEXT NOT NULL);
            CREATE TABLE blog.tb_comment (id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
                                          fk_post UUID NOT NULL REFERENCES blog.tb_post (id) ON DELETE CASCADE,
                                          fk_author UUID NOT NULL REFERENCES blog.tb_user (id), body TEXT NOT NULL);
            CREATE TABLE blog.tv_post (id UUID PRIMARY KEY, data JSONB NOT NULL,
                                       updated_at TIMESTAMPTZ NOT NULL DEFAULT now());
            CREATE VIEW blog.v_post AS
              SELECT p.id, jsonb_build_object('id', p.id, 'title', p.title,
                       'author', jsonb_build_object('id', u.id, 'name', u.name),
                       'comments', COALESCE((SELECT jsonb_agg(jsonb_build_object('id', c.id, 'body', c.body,
                                                                                'by', cu.name) ORDER BY c.id)
                                               FROM blog.tb_comment c JOIN blog.tb_user cu ON cu.id = c.fk_author
                                              WHERE c.fk_post = p.id), '[]'::jsonb)) AS data
                FROM blog.tb_post p JOIN blog.tb_user u ON u.id = p.fk_author;
            """;

    private static final String DEFINITIONS = """
            projections:
              blog.tv_post:
                view: blog.v_post
                entities: [Post]
                cascades:
                  - entity: Comment
                    key: fk_post
                  - entity: User
                    query: "SELECT id FROM blog.tb_post WHERE fk_author = $1 UNION SELECT fk_post FROM blog.tb_comment WHERE fk_author = $1"
            """;

    private static final String CURSOR = "projection:blog.tv_post#0/1";

    /** A database with the blog schema and the daemon's migrations, and the daemon's environment for it. */
    private record Blog(PgUrl db, Map<String, String> env) {

        static Blog create(String definitions) throws Exception {
            PgUrl db = TestServers.newDatabase(ProjectionsIT.class);
            Path file = Files.createTempFile("projections-", ".yaml");
            Files.writeString(file, definitions);
            Map<String, String> env = PipelineIT.env(db, file, Map.of("OBSERVERS_DEDUP_ENABLED", "false",
                    "OBSERVERS_LISTENER_BATCH_SIZE", "200", "OBSERVERS_CLAIMS_LEASE_MS", "2000"));
            OperationsIT.Cli migrate = OperationsIT.cli(env, "migrate");
            assertThat(migrate.exit()).as(migrate.output()).isZero();
            try (Connection c = PostgresServer.connect(db); Statement s = c.createStatement()) {
                s.execute(SCHEMA);
            }
            return new Blog(db, env);
        }

        DaemonProcess start() throws Exception {
            DaemonProcess d = DaemonProcess.start(env, "run");
            d.awaitOutput("observers running", Duration.ofSeconds(90));
            return d;
        }

        /** Waits until the projection's cursor covers the whole change log. */
        void awaitCaughtUp() {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100)).until(() ->
                    single("SELECT COALESCE((SELECT last_processed_id FROM public.observer_checkpoints"
                            + " WHERE listener_id = '" + CURSOR + "'), -1) >= (SELECT COALESCE(max(pk_entity_change_log), 0)"
                            + " FROM core.tb_entity_change_log)").equals("t"));
        }

        /** Rows where tv_post and v_post differ (symmetric EXCEPT ALL). */
        long differences() throws SQLException {
            return Long.parseLong(single("""
                    SELECT count(*) FROM ((SELECT id, data FROM blog.tv_post EXCEPT ALL SELECT id, data FROM blog.v_post)
                                UNION ALL (SELECT id, data FROM blog.v_post EXCEPT ALL SELECT id, data FROM blog.tv_post)) d"""));
        }

        String document(UUID post) throws SQLException {
            return single("SELECT COALESCE((SELECT data::text FROM blog.tv_post WHERE id = '" + post + "'), 'absent')");
        }

        String single(String sql) throws SQLException {
            try (Connection c = PostgresServer.connect(db); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery(sql)) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    /** Writes to the blog as a FraiseQL mutation does: the change and its change-log row in one transaction. */
    private static final class Writer {
        private final Connection c;
        private final boolean beforeImages;

        Writer(PgUrl db, boolean beforeImages) throws SQLException {
            this.c = PostgresServer.connect(db);
            this.c.setAutoCommit(false);
            this.beforeImages = beforeImages;
        }

        UUID user(String name) throws SQLException {
            return one("WITH x AS (INSERT INTO blog.tb_user (name) VALUES (?) RETURNING *) " + log("User", "INSERT", "x", null),
                    name);
        }

        UUID post(UUID author, String title) throws SQLException {
            return one("WITH x AS (INSERT INTO blog.tb_post (fk_author, title) VALUES (?, ?) RETURNING *) "
                    + log("Post", "INSERT", "x", null), author, title);
        }

        UUID comment(UUID post, UUID author, String body) throws SQLException {
            return one("WITH x AS (INSERT INTO blog.tb_comment (fk_post, fk_author, body) VALUES (?, ?, ?) RETURNING *) "
                    + log("Comment", "INSERT", "x", null), post, author, body);
        }

        void rename(UUID user, String name) throws SQLException {
            one("WITH b AS (SELECT * FROM blog.tb_user WHERE id = ?), x AS (UPDATE blog.tb_user SET name = ? WHERE id"
                    + " = (SELECT id FROM b) RETURNING *) " + log("User", "UPDATE", "x", "b"), user, name);
        }

        void retitle(UUID post, String title) throws SQLException {
            one("WITH b AS (SELECT * FROM blog.tb_post WHERE id = ?), x AS (UPDATE blog.tb_post SET title = ? WHERE id"
                    + " = (SELECT id FROM b) RETURNING *) " + log("Post", "UPDATE", "x", "b"), post, title);
        }

        void move(UUID comment, UUID post) throws SQLException {
            one("WITH b AS (SELECT * FROM blog.tb_comment WHERE id = ?), x AS (UPDATE blog.tb_comment SET fk_post = ?"
                    + " WHERE id = (SELECT id FROM b) RETURNING *) " + log("Comment", "UPDATE", "x", "b"), comment, post);
        }

        void deleteComment(UUID comment) throws SQLException {
            one("WITH x AS (DELETE FROM blog.tb_comment WHERE id = ? RETURNING *) " + deleted("Comment"), comment);
        }

        /** Deletes a post and (logged first, as FraiseQL's triggers would) its comments. */
        void deletePost(UUID post) throws SQLException {
            try (PreparedStatement s = c.prepareStatement("WITH x AS (DELETE FROM blog.tb_comment WHERE fk_post = ?"
                    + " RETURNING *) " + deleted("Comment"))) {
                s.setObject(1, post);
                s.executeQuery().close();
            }
            one("WITH x AS (DELETE FROM blog.tb_post WHERE id = ? RETURNING *) " + deleted("Post"), post);
        }

        private String log(String type, String op, String after, String before) {
            return "INSERT INTO core.tb_entity_change_log (object_type, object_id, modification_type, object_data,"
                    + " object_data_before) SELECT '" + type + "', x.id, '" + op + "', to_jsonb(" + after + "), "
                    + (before != null && beforeImages ? "(SELECT to_jsonb(b) FROM b)" : "NULL") + " FROM x RETURNING object_id";
        }

        /** A DELETE carries its row as the before image, or (without before images) nothing at all. */
        private String deleted(String type) {
            return "INSERT INTO core.tb_entity_change_log (object_type, object_id, modification_type, object_data_before)"
                    + " SELECT '" + type + "', x.id, 'DELETE', " + (beforeImages ? "to_jsonb(x)" : "NULL")
                    + " FROM x RETURNING object_id";
        }

        /** Runs {@code sql} and commits; the first returned id, or null when nothing matched. */
        private UUID one(String sql, Object... args) throws SQLException {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    s.setObject(i + 1, args[i]);
                }
                UUID id = null;
                try (ResultSet rs = s.executeQuery()) {
                    if (rs.next()) {
                        id = rs.getObject(1, UUID.class);
                    }
                }
                c.commit();
                return id;
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        }

        /** A random id of {@code table}, or null when it is empty. */
        UUID any(String table, Random random) throws SQLException {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id FROM blog." + table
                    + " OFFSET floor(random() * (SELECT count(*) FROM blog." + table + ")) LIMIT 1")) {
                UUID id = rs.next() ? rs.getObject(1, UUID.class) : null;
                c.commit();
                return id;
            }
        }

        /** One random operation; one that lost a race with another writer (a row gone under it) is skipped. */
        void randomOperation(Random random, int n) throws SQLException {
            try {
                int dice = random.nextInt(100);
                UUID user = any("tb_user", random);
                UUID post = any("tb_post", random);
                if (user == null || dice < 8) {
                    user(name(random));
                } else if (post == null || dice < 25) {
                    post(user, "post " + n);
                } else if (dice < 50) {
                    comment(post, user, "comment " + n);
                } else if (dice < 60) {
                    retitle(post, "title " + n);
                } else if (dice < 70) {
                    rename(user, name(random));
                } else if (dice < 85) {
                    UUID comment = any("tb_comment", random);
                    if (comment != null) {
                        move(comment, post);
                    }
                } else if (dice < 95) {
                    UUID comment = any("tb_comment", random);
                    if (comment != null) {
                        deleteComment(comment);
                    }
                } else {
                    deletePost(post);
                }
            } catch (SQLException e) {
                if (!"23503".equals(e.getSQLState()) && !"40P01".equals(e.getSQLState())) {
                    throw e;
                }
                c.rollback();
            }
        }

        private static String name(Random random) {
            return "user " + Long.toString(random.nextLong() & 0xffffff, 36);
        }
    }

    @Test
    void cascadesRefreshEveryPostTheyAffectAndMovesWithoutABeforeImageRefreshBothPosts() throws Exception {
        Blog blog = Blog.create(DEFINITIONS);
        try (DaemonProcess daemon = blog.start()) {
            Writer withBefore = new Writer(blog.db(), true);
            Writer afterOnly = new Writer(blog.db(), false);
            UUID ann = withBefore.user("Ann");
            UUID bob = withBefore.user("Bob");
            UUID a = withBefore.post(ann, "A");
            UUID b = withBefore.post(ann, "B");
            UUID c = withBefore.post(bob, "C");
            UUID hello = withBefore.comment(a, bob, "hello");
            UUID bye = withBefore.comment(a, ann, "bye");
            blog.awaitCaughtUp();
            assertThat(blog.document(a)).contains("hello", "bye");

            withBefore.rename(ann, "Anna");
            blog.awaitCaughtUp();
            assertThat(blog.document(a)).contains("\"name\": \"Anna\"");
            assertThat(blog.document(b)).contains("\"name\": \"Anna\"");
            assertThat(blog.document(c)).doesNotContain("Anna");

            withBefore.rename(bob, "Robert");
            blog.awaitCaughtUp();
            assertThat(blog.document(a)).as("a comment's author is in its post").contains("\"by\": \"Robert\"");

            withBefore.deleteComment(bye);
            blog.awaitCaughtUp();
            assertThat(blog.document(a)).doesNotContain("bye");

            withBefore.move(hello, b);
            blog.awaitCaughtUp();
            assertThat(blog.document(a)).doesNotContain("hello");
            assertThat(blog.document(b)).contains("hello");

            afterOnly.move(hello, c);
            blog.awaitCaughtUp();
            assertThat(blog.document(b)).as("the old post, named by no image, found through the lineage")
                    .doesNotContain("hello");
            assertThat(blog.document(c)).contains("hello");

            afterOnly.deleteComment(hello);
            blog.awaitCaughtUp();
            assertThat(blog.document(c)).doesNotContain("hello");

            afterOnly.deletePost(c);
            blog.awaitCaughtUp();
            assertThat(blog.document(c)).isEqualTo("absent");
            assertThat(blog.differences()).isZero();
        }
    }

    @ParameterizedTest(name = "before images: {0}")
    @ValueSource(booleans = {true, false})
    void concurrentRandomWritersWithTheDaemonKilledMidStreamLeaveTvPostEqualToItsView(boolean beforeImages)
            throws Exception {
        long seed = System.nanoTime();
        Blog blog = Blog.create(DEFINITIONS);
        int writers = 3;
        int operations = 1000;
        AtomicBoolean failed = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<Future<?>> running = new ArrayList<>();
        DaemonProcess daemon = blog.start();
        try {
            for (int w = 0; w < writers; w++) {
                Random random = new Random(seed + w);
                running.add(pool.submit(() -> {
                    Writer writer = new Writer(blog.db(), beforeImages);
                    for (int i = 0; i < operations && !failed.get(); i++) {
                        writer.randomOperation(random, i);
                    }
                    return null;
                }));
            }
            for (int kill = 0; kill < 3; kill++) {
                Thread.sleep(1500);
                daemon.kill();
                daemon.close();
                daemon = blog.start();
            }
            for (Future<?> f : running) {
                f.get();
            }
            blog.awaitCaughtUp();
            System.out.printf("before images %s, seed %d: %s change-log rows, %s tv_post rows, %s comments,"
                            + " 3 kill -9 restarts%n", beforeImages, seed,
                    blog.single("SELECT count(*) FROM core.tb_entity_change_log"),
                    blog.single("SELECT count(*) FROM blog.tv_post"), blog.single("SELECT count(*) FROM blog.tb_comment"));
            assertThat(blog.differences()).as("rows where tv_post and v_post differ (seed %d)", seed).isZero();
            assertThat(Long.parseLong(blog.single("SELECT count(*) FROM blog.tv_post"))).isPositive();
            OperationsIT.Cli verify = OperationsIT.cli(blog.env(), "projections", "verify");
            assertThat(verify.exit()).as(verify.output()).isZero();
            assertThat(verify.output()).contains("blog.tv_post:", "equal");
        } finally {
            failed.set(true);
            pool.shutdownNow();
            daemon.close();
        }
    }

    @Test
    void verifyListsTheDifferencesAndRebuildRepairsThemWhileTheDaemonRuns() throws Exception {
        Blog blog = Blog.create(DEFINITIONS);
        try (DaemonProcess daemon = blog.start()) {
            Writer writer = new Writer(blog.db(), true);
            Random random = new Random(7);
            for (int i = 0; i < 200; i++) {
                writer.randomOperation(random, i);
            }
            blog.awaitCaughtUp();
            UUID someone = writer.any("tb_post", random);
            try (Connection c = PostgresServer.connect(blog.db()); Statement s = c.createStatement()) {
                s.execute("UPDATE blog.tv_post SET data = '{}' WHERE id = '" + someone + "'");
                s.execute("INSERT INTO blog.tv_post (id, data) VALUES (gen_random_uuid(), '{}')");
            }
            OperationsIT.Cli verify = OperationsIT.cli(blog.env(), "projections", "verify");
            assertThat(verify.exit()).as(verify.output()).isEqualTo(1);
            assertThat(verify.output()).contains("2 row(s) differ", "differs  " + someone, "extra");

            Future<?> more = Executors.newSingleThreadExecutor().submit(() -> {
                Writer w = new Writer(blog.db(), true);
                for (int i = 200; i < 400; i++) {
                    w.randomOperation(random, i);
                }
                return null;
            });
            OperationsIT.Cli rebuild = OperationsIT.cli(blog.env(), "projections", "rebuild", "blog.tv_post", "--batch", "25");
            assertThat(rebuild.exit()).as(rebuild.output()).isZero();
            assertThat(rebuild.output()).contains("blog.tv_post rebuilt in", "rebuild blog.tv_post [");
            more.get();
            blog.awaitCaughtUp();
            assertThat(blog.differences()).isZero();
            assertThat(OperationsIT.cli(blog.env(), "projections", "verify").exit()).isZero();
        }
    }

    @Test
    void aProjectionWhoseViewIsMissingStopsTheStartNamingItsLine() throws Exception {
        Blog blog = Blog.create(DEFINITIONS.replace("view: blog.v_post", "view: blog.v_nothing"));
        try (DaemonProcess daemon = DaemonProcess.start(blog.env(), "run")) {
            assertThat(daemon.waitForExit(Duration.ofSeconds(90))).isNotZero();
            assertThat(daemon.output()).contains(".yaml:2: projections.blog.tv_post: view blog.v_nothing does not exist");
        }
    }
}

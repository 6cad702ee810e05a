package dev.observers.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.observers.config.HttpUrl;
import dev.observers.config.PgUrl;
import dev.observers.testing.DaemonProcess;
import dev.observers.testing.HttpReceiver;
import dev.observers.testing.PostgresServer;
import dev.observers.testing.TcpProxy;
import dev.observers.testing.TestServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The search subscription against the real test node: every change-log event becomes one document
 * under its event id in the daily index of its UTC day, through the daemon's template; crashes,
 * refusals and an unreachable cluster lose nothing and index nothing twice.
 */
class SearchIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy.MM.dd").withZone(ZoneOffset.UTC);
    private static final String SEARCH = "search:events";

    private static HttpUrl node;
    private PgUrl db;
    private String prefix;

    /** The node under test: the shared 8.x test node here, the 9.x one in {@link SearchOnElasticsearch9IT}. */
    HttpUrl nodeUnderTest() {
        return TestServers.elasticsearch();
    }

    /** The REST compatibility the daemon declares to that node. */
    String compatibility() {
        return "8";
    }

    @BeforeEach
    void freshDatabaseAndPrefix() {
        node = nodeUnderTest();
        db = TestServers.newDatabase(SearchIT.class);
        prefix = TestServers.namespace(SearchIT.class);
    }

    @AfterEach
    void dropIndicesAndTemplate() throws Exception {
        List<String> indices = new ArrayList<>();
        es("GET", "/_cat/indices/" + prefix + "-*?format=json&h=index", null).json()
                .forEach(i -> indices.add(i.path("index").asText()));
        if (!indices.isEmpty()) {
            es("DELETE", "/" + String.join(",", indices), null);
        }
        es("DELETE", "/_index_template/" + prefix + "-events", null);
    }

    @Test
    void everyEventIsIndexedOnceUnderItsEventIdInIndicesShapedByTheTemplate() throws Exception {
        int events = 3000;
        EntityStream stream = new EntityStream(db, "Account", 300);
        try (DaemonProcess daemon = DaemonProcess.start(env(Map.of()), "run")) {
            daemon.awaitOutput("observers running", Duration.ofSeconds(60));
            Instant inserted = Instant.now();
            for (int i = 0; i < events / 300; i++) {
                stream.insertRoundRobin(300);
            }
            awaitIndexed(events, Duration.ofSeconds(45), daemon);
            System.out.printf("search: %d events indexed %d ms after the first insert%n", events,
                    Duration.between(inserted, Instant.now()).toMillis());

            JsonNode template = es("GET", "/_index_template/" + prefix + "-events", null).json();
            assertThat(template.path("index_templates")).as("template %s-events", prefix).hasSize(1);
            assertThat(template.at("/index_templates/0/index_template/index_patterns").toString())
                    .isEqualTo("[\"" + prefix + "-*\"]");

            JsonNode mappings = es("GET", "/" + prefix + "-*/_mapping", null).json();
            assertThat(mappings.size()).as("daily indices").isPositive();
            for (var index : mappings.properties()) {
                JsonNode m = index.getValue().path("mappings");
                assertThat(m.path("dynamic").asText()).as(index.getKey() + " dynamic").isEqualTo("false");
                for (String payload : List.of("data", "before", "changes", "extra_metadata")) {
                    assertThat(m.at("/properties/" + payload + "/type").asText()).as(index.getKey() + " " + payload)
                            .isEqualTo("flattened");
                }
                assertThat(m.at("/properties/id/type").asText()).isEqualTo("keyword");
                assertThat(m.at("/properties/timestamp/type").asText()).isEqualTo("date");
            }

            Map<String, JsonNode> documents = documents(events + 10);
            assertThat(documents.keySet()).containsExactlyInAnyOrderElementsOf(stream.ids());
            for (var d : documents.entrySet()) {
                JsonNode source = d.getValue().path("_source");
                assertThat(source.path("id").asText()).isEqualTo(d.getKey());
                assertThat(source.path("entity_type").asText()).isEqualTo("Account");
                assertThat(source.path("event_type").asText()).isEqualTo("INSERT");
                assertThat(source.path("data").path("seq").isInt()).as("data.seq of %s", d.getKey()).isTrue();
                Instant at = Instant.parse(source.path("timestamp").asText());
                assertThat(d.getValue().path("_index").asText()).isEqualTo(prefix + "-" + DAY.format(at));
            }
            Thread.sleep(1500);
            assertThat(count()).as("documents a while after the last one").isEqualTo(events);
            assertThat(duplicateIds()).isEmpty();
            assertThat(daemon.stop(Duration.ofSeconds(30))).isZero();
        }
    }

    @Test
    void onANodeWithoutIlmTheDaemonSaysSoAndDeletesDailyIndicesPastTheRetentionItself() throws Exception {
        String today = DAY.format(Instant.now());
        String old = prefix + "-" + DAY.format(Instant.now().minus(Duration.ofDays(40)));
        String recent = prefix + "-" + DAY.format(Instant.now().minus(Duration.ofDays(5)));
        for (String index : List.of(old, recent, prefix + "-notes")) {
            assertThat(es("PUT", "/" + index, null).status()).as("create %s", index).isEqualTo(200);
        }
        try (DaemonProcess daemon = DaemonProcess.start(env(Map.of("OBSERVERS_ELASTICSEARCH_RETENTION_DAYS", "30")),
                "run")) {
            daemon.awaitOutput("observers running", Duration.ofSeconds(60));
            daemon.awaitOutput("has no index lifecycle management", Duration.ofSeconds(30));
            await().atMost(Duration.ofSeconds(30)).until(() -> es("HEAD", "/" + old, null).status() == 404);
            assertThat(es("HEAD", "/" + recent, null).status()).isEqualTo(200);
            assertThat(es("HEAD", "/" + prefix + "-notes", null).status()).isEqualTo(200);
            JsonNode template = es("GET", "/_index_template/" + prefix + "-events", null).json();
            assertThat(template.toString()).as("a node without ILM rejects the setting").doesNotContain("lifecycle");
            assertThat(daemon.output()).contains("Deleted index " + old).doesNotContain(today + ": older");
            assertThat(daemon.stop(Duration.ofSeconds(30))).isZero();
        }
    }

    @Test
    void replayingTheSearchSubscriptionLandsOnTheSameDocuments() throws Exception {
        int events = 500;
        EntityStream stream = new EntityStream(db, "Replayed", 50);
        Map<String, String> env = env(Map.of());
        try (DaemonProcess daemon = DaemonProcess.start(env, "run")) {
            daemon.awaitOutput("observers running", Duration.ofSeconds(60));
            stream.insertRoundRobin(events);
            awaitIndexed(events, Duration.ofSeconds(45), daemon);
            awaitSearchLag(env, 0, Duration.ofSeconds(30));
            assertThat(daemon.stop(Duration.ofSeconds(30))).isZero();
        }
        long first;
        try (java.sql.Connection c = dev.observers.testing.PostgresServer.connect(db);
             java.sql.Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT min(pk_entity_change_log) FROM core.tb_entity_change_log")) {
            rs.next();
            first = rs.getLong(1);
        }
        OperationsIT.Cli replay = OperationsIT.cli(env, "replay", "--subscription", SEARCH, "--from", String.valueOf(first));
        assertThat(replay.exit()).as(replay.output()).isZero();
        assertThat(replay.output()).contains(SEARCH + "#", "checkpoint moved from");
        try (DaemonProcess daemon = DaemonProcess.start(env, "run")) {
            daemon.awaitOutput("observers running", Duration.ofSeconds(60));
            awaitSearchLag(env, 0, Duration.ofSeconds(45));
            assertThat(counter(daemon, "observer_search_documents_existing_total")).as("documents found there already")
                    .isEqualTo(events);
            assertThat(count()).isEqualTo(events);
            assertThat(duplicateIds()).isEmpty();
            assertThat(daemon.stop(Duration.ofSeconds(30))).isZero();
        }
    }

    @Test
    void aKillDashNineMidStreamAndARestartLeaveEveryEventIndexedExactlyOnce() throws Exception {
        int batches = 60;
        int perBatch = 100;
        EntityStream stream = new EntityStream(db, "Invoice", 400);
        Map<String, String> env = env(Map.of(
                "OBSERVERS_ELASTICSEARCH_BULK_SIZE", "100",
                "OBSERVERS_CHECKPOINT_BATCH_SIZE", "1000000",
                "OBSERVERS_CHECKPOINT_INTERVAL_MS", "3600000",
                "OBSERVERS_CLAIMS_LEASE_MS", "3000"));
        ExecutorService inserter = Executors.newVirtualThreadPerTaskExecutor();
        try {
            long indexedAtKill;
            int insertedAtKill;
            AtomicInteger inserted = new AtomicInteger();
            Future<?> inserts;
            try (DaemonProcess first = DaemonProcess.start(env, "run")) {
                first.awaitOutput("observers running", Duration.ofSeconds(60));
                inserts = inserter.submit(() -> {
                    for (int i = 0; i < batches; i++) {
                        stream.insertRandom(perBatch);
                        inserted.addAndGet(perBatch);
                        Thread.sleep(60);
                    }
                    return null;
                });
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (count() < 1500 && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                first.kill();
                insertedAtKill = inserted.get();
                indexedAtKill = count();
                assertThat(indexedAtKill).as("indexed when killed; daemon output:\n%s", tail(first)).isGreaterThan(0);
            }
            assertThat(insertedAtKill).as("events inserted when the daemon was killed mid-stream")
                    .isLessThan(batches * perBatch);
            try (DaemonProcess second = DaemonProcess.start(env, "run")) {
                second.awaitOutput("observers running", Duration.ofSeconds(60));
                inserts.get();
                awaitIndexed(batches * perBatch, Duration.ofSeconds(45), second);
                Thread.sleep(1500);
                long existing = counter(second, "observer_search_documents_existing_total");
                System.out.printf("search kill -9 at %d indexed of %d inserted: after the restart %d document(s)"
                        + " were found there already (409), none indexed twice%n", indexedAtKill, insertedAtKill, existing);
                assertThat(existing).as("the restart replayed events that were indexed already").isPositive();
                assertThat(second.stop(Duration.ofSeconds(30))).isZero();
            }
            assertThat(count()).isEqualTo((long) batches * perBatch);
            assertThat(duplicateIds()).isEmpty();
            assertThat(documents(batches * perBatch + 10).keySet()).containsExactlyInAnyOrderElementsOf(stream.ids());
        } finally {
            inserter.shutdownNow();
        }
    }

    @Test
    void eventsEitherSideOfMidnightUtcLandInTheDailyIndexOfTheirUtcDay() throws Exception {
        Map<String, String> expected = new LinkedHashMap<>();
        try (DaemonProcess daemon = DaemonProcess.start(env(Map.of()), "run")) {
            daemon.awaitOutput("observers running", Duration.ofSeconds(60));
            try (Connection c = PostgresServer.connect(db); Statement s = c.createStatement()) {
                s.execute("SET TIME ZONE 'Pacific/Auckland'");
                for (String at : List.of("2024-12-31T23:59:59Z", "2025-01-01T00:00:01Z", "2024-12-31T23:59:59Z",
                        "2025-01-01T00:00:01Z", "2025-01-01T08:30:00+09:00", "2024-12-31T19:00:00-05:00")) {
                    try (ResultSet rs = s.executeQuery("INSERT INTO core.tb_entity_change_log (object_type, object_id,"
                            + " modification_type, object_data, created_at) VALUES ('Order', gen_random_uuid(), 'INSERT',"
                            + " '{\"at\": \"" + at + "\"}', '" + at + "') RETURNING id")) {
                        rs.next();
                        expected.put(rs.getString(1), prefix + "-" + DAY.format(OffsetDateTime.parse(at)));
                    }
                }
            }
            awaitIndexed(expected.size(), Duration.ofSeconds(30), daemon);
            assertThat(daemon.stop(Duration.ofSeconds(30))).isZero();
        }
        Map<String, String> landed = new HashMap<>();
        documents(100).forEach((id, hit) -> landed.put(id, hit.path("_index").asText()));
        assertThat(landed).isEqualTo(expected);
        Set<String> indices = new TreeSet<>();
        es("GET", "/_cat/indices/" + prefix + "-*?format=json&h=index", null).json()
                .forEach(i -> indices.add(i.path("index").asText()));
        assertThat(indices).containsExactly(prefix + "-2024.12.31", prefix + "-2025.01.01");
        for (String index : indices) {
            long there = expected.values().stream().filter(index::equals).count();
            assertThat(es("GET", "/" + index + "/_count", null).json().path("count").asLong()).as(index).isEqualTo(there);
        }
    }

    @Test
    void aDocumentTheNodeRefusesIsDeadLetteredAndItsNeighboursAreIndexed() throws Exception {
        int events = 10_000;
        int every = 2000;
        String deep = "1";
        for (int i = 0; i < 30; i++) {
            deep = "{\"level\": " + deep + "}";
        }
        Map<String, String> env = env(Map.of());
        List<String> poison = new ArrayList<>();
        List<String> neighbours = new ArrayList<>();
        try (DaemonProcess daemon = DaemonProcess.start(env, "run")) {
            daemon.awaitOutput("observers running", Duration.ofSeconds(60));
            Instant started = Instant.now();
            try (Connection c = PostgresServer.connect(db); PreparedStatement s = c.prepareStatement(
                    "INSERT INTO core.tb_entity_change_log (object_type, object_id, modification_type, object_data)"
                            + " SELECT 'Document', gen_random_uuid(), 'INSERT',"
                            + " CASE WHEN g % ? = ? THEN ?::jsonb ELSE jsonb_build_object('n', g) END"
                            + " FROM generate_series(?, ?) g ORDER BY g"
                            + " RETURNING id::text, object_data -> 'level' IS NOT NULL")) {
                List<String> previous = new ArrayList<>();
                for (int from = 1; from <= events; from += every) {
                    s.setInt(1, every);
                    s.setInt(2, every / 2);
                    s.setString(3, deep);
                    s.setInt(4, from);
                    s.setInt(5, from + every - 1);
                    try (ResultSet rs = s.executeQuery()) {
                        while (rs.next()) {
                            previous.add(rs.getString(1));
                            if (rs.getBoolean(2)) {
                                poison.add(rs.getString(1));
                            }
                        }
                    }
                }
                for (String p : poison) {
                    int at = previous.indexOf(p);
                    neighbours.add(previous.get(at - 1));
                    neighbours.add(previous.get(at + 1));
                }
            }
            assertThat(poison).hasSize(events / every);
            awaitIndexed(events - poison.size(), Duration.ofSeconds(50), daemon);
            System.out.printf("search: %d events with %d refused by the node handled in %d ms%n", events, poison.size(),
                    Duration.between(started, Instant.now()).toMillis());

            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (deadLetters().size() < poison.size() && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            List<Map<String, String>> letters = deadLetters();
            assertThat(letters).extracting(l -> l.get("event_id")).containsExactlyInAnyOrderElementsOf(poison);
            assertThat(letters).allSatisfy(l -> {
                assertThat(l.get("listener_id")).isEqualTo(SEARCH);
                assertThat(l.get("error_kind")).isEqualTo("index_rejected");
            });
            Map<String, JsonNode> documents = documents(events);
            assertThat(documents).doesNotContainKeys(poison.toArray(String[]::new));
            assertThat(documents).containsKeys(neighbours.toArray(String[]::new));
            assertThat(duplicateIds()).isEmpty();
            awaitSearchLag(env, 0, Duration.ofSeconds(30));
            assertThat(daemon.stop(Duration.ofSeconds(30))).isZero();
            assertThat(letters.getFirst().get("error")).as("what the dead letter says of why the node refused it")
                    .contains("400", "document_parsing_exception", "[data]", "depth limit");
        }
    }

    @Test
    void tenThousandDistinctPayloadKeysAddNoMappedField() throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start(env(Map.of()), "run")) {
            daemon.awaitOutput("observers running", Duration.ofSeconds(60));
            String day = "'2025-06-15T12:00:00Z'";
            try (Connection c = PostgresServer.connect(db); Statement s = c.createStatement()) {
                s.execute("INSERT INTO core.tb_entity_change_log (object_type, object_id, modification_type,"
                        + " object_data, created_at) VALUES ('Wide', gen_random_uuid(), 'INSERT', '{\"k\": 1}', " + day + ")");
            }
            awaitIndexed(1, Duration.ofSeconds(30), daemon);
            String index = prefix + "-2025.06.15";
            int templateFields = fields(es("GET", "/_index_template/" + prefix + "-events", null).json()
                    .at("/index_templates/0/index_template/template/mappings"));
            int before = fields(es("GET", "/" + index + "/_mapping", null).json().path(index).path("mappings"));

            try (Connection c = PostgresServer.connect(db); Statement s = c.createStatement()) {
                s.execute("INSERT INTO core.tb_entity_change_log (object_type, object_id, modification_type,"
                        + " object_data, extra_metadata, created_at)"
                        + " SELECT 'Wide', gen_random_uuid(), 'INSERT',"
                        + " (SELECT jsonb_object_agg('k_' || e || '_' || k, k) FROM generate_series(1, 100) k),"
                        + " jsonb_build_object('m_' || e, e), " + day
                        + " FROM generate_series(1, 100) e");
            }
            awaitIndexed(101, Duration.ofSeconds(30), daemon);
            int after = fields(es("GET", "/" + index + "/_mapping", null).json().path(index).path("mappings"));
            System.out.printf("search: mapped fields: template %d, index before %d, after 10,000 distinct payload"
                    + " keys %d%n", templateFields, before, after);
            assertThat(before).as("fields of the index with one document").isEqualTo(templateFields);
            assertThat(after).as("fields after 10,000 distinct payload keys").isEqualTo(before);
            JsonNode hit = es("POST", "/" + index + "/_search",
                    "{\"query\": {\"term\": {\"data.k_57_42\": \"42\"}}}").json();
            assertThat(hit.at("/hits/total/value").asLong()).as("a payload key is searchable unmapped").isEqualTo(1);
            assertThat(deadLetters()).isEmpty();
            assertThat(daemon.stop(Duration.ofSeconds(30))).isZero();
        }
    }

    @Test
    void anUnreachableNodeHoldsBackOnlyTheSearchSubscriptionWhichCatchesUpOnceItAnswers() throws Exception {
        int events = 500;
        try (TcpProxy proxy = new TcpProxy(node.uri().getHost(), node.port()); HttpReceiver receiver = new HttpReceiver()) {
            Map<String, String> env = env(Map.of(
                    "OBSERVERS_ELASTICSEARCH_URL", proxy.httpUrl(),
                    "OBSERVERS_CONFIG", PipelineIT.observers(receiver, "Order").toString()));
            try (DaemonProcess daemon = DaemonProcess.start(env, "run")) {
                daemon.awaitOutput("observers running", Duration.ofSeconds(60));
                List<String> ids = PipelineIT.insert(db, "Order", events);
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (receiver.deliveriesByEventId().size() < events && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertThat(receiver.deliveriesByEventId().keySet()).as("webhook deliveries while the node is unreachable")
                        .containsExactlyInAnyOrderElementsOf(ids);
                assertThat(receiver.deliveriesByEventId().values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
                Map<String, Long> behind = awaitLag(env, "observer:notify_receiver", 0, Duration.ofSeconds(20));
                assertThat(behind.get(SEARCH)).as("search lag while the node is unreachable").isPositive();
                assertThat(count()).isZero();

                Instant up = Instant.now();
                proxy.on();
                awaitIndexed(events, Duration.ofSeconds(45), daemon);
                System.out.printf("search outage: %d events indexed %d ms after the node became reachable%n", events,
                        Duration.between(up, Instant.now()).toMillis());
                awaitSearchLag(env, 0, Duration.ofSeconds(30));
                assertThat(documents(events + 10).keySet()).containsExactlyInAnyOrderElementsOf(ids);
                assertThat(duplicateIds()).isEmpty();
                assertThat(receiver.requests()).hasSize(events);
                assertThat(daemon.stop(Duration.ofSeconds(30))).isZero();
            }
        }
    }

    private Map<String, String> env(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of(
                "OBSERVERS_DB_URL", db.toUrl(),
                "OBSERVERS_REDIS_URL", TestServers.redis().address(),
                "OBSERVERS_REDIS_KEY_PREFIX", prefix + ":",
                "OBSERVERS_ELASTICSEARCH_URL", node.uri().toString(),
                "OBSERVERS_ELASTICSEARCH_INDEX_PREFIX", prefix,
                "OBSERVERS_ELASTICSEARCH_REPLICAS", "0",
                "OBSERVERS_ELASTICSEARCH_REFRESH_INTERVAL", "1s",
                "OBSERVERS_ELASTICSEARCH_FLUSH_INTERVAL_MS", "200",
                "OBSERVERS_ELASTICSEARCH_COMPATIBILITY", compatibility()));
        env.putAll(extra);
        return env;
    }

    /** An HTTP answer of the test node. */
    private record Reply(int status, JsonNode json) {
    }

    private static Reply es(String method, String path, String body) throws IOException, InterruptedException {
        String base = node.uri().toString().replaceAll("/+$", "");
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body()));
    }

    /**
     * Documents in this test's indices, after a refresh. A daily index the daemon has just created
     * answers 503 until its shard starts; that is asked again.
     */
    private long count() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Reply r;
        do {
            es("POST", "/" + prefix + "-*/_refresh", null);
            r = es("GET", "/" + prefix + "-*/_count", null);
            if (r.status() == 200) {
                return r.json().path("count").asLong();
            }
            Thread.sleep(100);
        } while (r.status() == 503 && System.nanoTime() < deadline);
        throw new AssertionError("_count answered " + r.status() + ": " + r.json());
    }

    /** Event ids with more than one document in this test's indices. */
    private List<String> duplicateIds() throws IOException, InterruptedException {
        es("POST", "/" + prefix + "-*/_refresh", null);
        JsonNode r = es("POST", "/" + prefix + "-*/_search", """
                {"size": 0, "aggs": {"repeated": {"terms": {"field": "id", "min_doc_count": 2, "size": 1000}}}}""").json();
        List<String> ids = new ArrayList<>();
        r.at("/aggregations/repeated/buckets").forEach(b -> ids.add(b.path("key").asText() + " x" + b.path("doc_count")));
        assertThat(r.at("/aggregations/repeated").isMissingNode()).as("aggregation answer %s", r).isFalse();
        return ids;
    }

    /** Up to {@code size} documents of this test's indices by {@code _id}, each hit with its index and source. */
    private Map<String, JsonNode> documents(int size) throws IOException, InterruptedException {
        es("POST", "/" + prefix + "-*/_refresh", null);
        Reply r = es("POST", "/" + prefix + "-*/_search", """
                {"size": %d, "track_total_hits": true, "query": {"match_all": {}}}""".formatted(size));
        assertThat(r.status()).as("_search: %s", r.json()).isEqualTo(200);
        Map<String, JsonNode> out = new HashMap<>();
        r.json().at("/hits/hits").forEach(h -> out.put(h.path("_id").asText(), h));
        return out;
    }

    /** Waits until this test's indices hold exactly {@code expected} documents; more is a failure at once. */
    private void awaitIndexed(long expected, Duration timeout, DaemonProcess daemon) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long last = -1;
        while (System.nanoTime() < deadline) {
            last = count();
            if (last > expected) {
                throw new AssertionError(last + " documents for " + expected + " events; repeated ids "
                        + duplicateIds() + "\n" + tail(daemon));
            }
            if (last == expected) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError(last + " of " + expected + " events indexed within " + timeout + "\n" + tail(daemon));
    }

    /** Waits until the search subscription's furthest-behind cursor is {@code expected} events behind. */
    private static void awaitSearchLag(Map<String, String> env, long expected, Duration timeout) throws Exception {
        awaitLag(env, SEARCH, expected, timeout);
    }

    /** Waits until {@code subscription}'s furthest-behind cursor is {@code expected}; every subscription's lag. */
    private static Map<String, Long> awaitLag(Map<String, String> env, String subscription, long expected,
                                              Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Long> behind;
        do {
            behind = SubscriptionsIT.maxEventsBehind(env);
            if (behind.containsKey(subscription) && behind.get(subscription) == expected) {
                return behind;
            }
            Thread.sleep(500);
        } while (System.nanoTime() < deadline);
        throw new AssertionError(subscription + " not " + expected + " events behind within " + timeout
                + " (status --json: " + behind + ")");
    }

    private List<Map<String, String>> deadLetters() throws Exception {
        List<Map<String, String>> out = new ArrayList<>();
        try (Connection c = PostgresServer.connect(db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT listener_id, event_id::text, error_kind, error"
                     + " FROM core.observer_dead_letters ORDER BY change_log_pk")) {
            while (rs.next()) {
                out.add(Map.of("listener_id", rs.getString(1), "event_id", String.valueOf(rs.getString(2)),
                        "error_kind", rs.getString(3), "error", rs.getString(4)));
            }
        }
        return out;
    }

    /** Mapped fields of a mapping: every entry of every {@code properties} and {@code fields}, at any depth. */
    private static int fields(JsonNode mapping) {
        int n = 0;
        for (String container : List.of("properties", "fields")) {
            for (var f : mapping.path(container).properties()) {
                n += 1 + fields(f.getValue());
            }
        }
        return n;
    }

    /** The sum of a counter's series on the daemon's metrics endpoint. */
    private static long counter(DaemonProcess daemon, String name) throws InterruptedException {
        return (long) PrometheusText.parse(daemon.body("/q/metrics")).series(name).stream()
                .mapToDouble(PrometheusText.Sample::value).sum();
    }

    private static String tail(DaemonProcess daemon) {
        List<String> lines = daemon.output().lines().toList();
        return "daemon output (last 60 lines):\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 60),
                lines.size()));
    }
}

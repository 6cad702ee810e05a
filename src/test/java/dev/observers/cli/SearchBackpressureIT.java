package dev.observers.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.observers.config.HttpUrl;
import dev.observers.config.PgUrl;
import dev.observers.testing.DaemonProcess;
import dev.observers.testing.TestServers;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A saturated cluster: a node whose write pool has one thread and a queue of one answers concurrent
 * bulks with 429, and which takes no request body over 200 KB. The indexer retries what was refused,
 * alone and with backoff, splits what was too large, and loses nothing: every event ends up indexed
 * exactly once.
 */
class SearchBackpressureIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void refusedWritesAreRetriedUntilEveryEventIsIndexedExactlyOnce() throws Exception {
        HttpUrl node = TestServers.saturatedElasticsearch();
        PgUrl db = TestServers.newDatabase(SearchBackpressureIT.class);
        String prefix = TestServers.namespace(SearchBackpressureIT.class);
        int events = 6000;
        Map<String, String> env = env(db, node, prefix, Map.of(
                "OBSERVERS_ELASTICSEARCH_SHARDS", "3",
                "OBSERVERS_ELASTICSEARCH_BULK_SIZE", "50",
                "OBSERVERS_ELASTICSEARCH_MAX_CONCURRENT_REQUESTS", "16",
                "OBSERVERS_ELASTICSEARCH_FLUSH_INTERVAL_MS", "100"));
        EntityStream stream = new EntityStream(db, "Load", 500);
        try (DaemonProcess daemon = DaemonProcess.start(env, "run")) {
            daemon.awaitOutput("observers running", Duration.ofSeconds(60));
            for (int i = 0; i < events / 500; i++) {
                stream.insertRoundRobin(500);
            }
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .until(() -> count(node, prefix) >= events);
            Thread.sleep(1500);
            assertThat(count(node, prefix)).isEqualTo(events);
            JsonNode repeated = es(node, "POST", "/" + prefix + "-*/_search", """
                    {"size": 0, "aggs": {"r": {"terms": {"field": "id", "min_doc_count": 2}}}}""");
            assertThat(repeated.at("/aggregations/r/buckets")).as("ids indexed twice").isEmpty();
            double retries = PrometheusText.parse(daemon.body("/q/metrics")).series("observer_search_retries_total")
                    .stream().mapToDouble(PrometheusText.Sample::value).sum();
            System.out.printf("saturated node: %d events indexed exactly once after %.0f retried documents%n", events,
                    retries);
            assertThat(retries).as("documents the node refused with 429 and the indexer sent again").isPositive();
            assertThat(daemon.stop(Duration.ofSeconds(30))).isZero();
        }
    }

    @Test
    void aBulkLargerThanTheNodeAcceptsIsSplitAndNothingIsLost() throws Exception {
        HttpUrl node = TestServers.saturatedElasticsearch();
        PgUrl db = TestServers.newDatabase(SearchBackpressureIT.class);
        String prefix = TestServers.namespace(SearchBackpressureIT.class);
        int events = 4000;
        Map<String, String> env = env(db, node, prefix, Map.of(
                "OBSERVERS_ELASTICSEARCH_BULK_SIZE", "2000",
                "OBSERVERS_ELASTICSEARCH_BULK_MAX_BYTES", "5000000",
                "OBSERVERS_ELASTICSEARCH_MAX_CONCURRENT_REQUESTS", "1",
                "OBSERVERS_ELASTICSEARCH_FLUSH_INTERVAL_MS", "2000"));
        EntityStream stream = new EntityStream(db, "Large", 400);
        try (DaemonProcess daemon = DaemonProcess.start(env, "run")) {
            daemon.awaitOutput("observers running", Duration.ofSeconds(60));
            for (int i = 0; i < events / 400; i++) {
                stream.insertRoundRobin(400);
            }
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .until(() -> count(node, prefix) >= events);
            Thread.sleep(1500);
            assertThat(count(node, prefix)).as("every event, though each full bulk is over 200 KB").isEqualTo(events);
            assertThat(daemon.output()).contains("is larger than Elasticsearch accepts (413); sending it in halves")
                    .doesNotContain("dead-lettered");
            assertThat(daemon.stop(Duration.ofSeconds(30))).isZero();
        }
    }

    /** The daemon's environment for this test's database and index prefix on {@code node}, plus {@code extra}. */
    private static Map<String, String> env(PgUrl db, HttpUrl node, String prefix, Map<String, String> extra) {
        Map<String, String> env = new java.util.HashMap<>(Map.of(
                "OBSERVERS_DB_URL", db.toUrl(),
                "OBSERVERS_REDIS_URL", TestServers.redis().address(),
                "OBSERVERS_ELASTICSEARCH_URL", node.uri().toString(),
                "OBSERVERS_ELASTICSEARCH_INDEX_PREFIX", prefix,
                "OBSERVERS_ELASTICSEARCH_REPLICAS", "0"));
        env.putAll(extra);
        return env;
    }

    private static long count(HttpUrl node, String prefix) throws Exception {
        es(node, "POST", "/" + prefix + "-*/_refresh", null);
        JsonNode r = es(node, "GET", "/" + prefix + "-*/_count", null);
        return r.path("count").asLong(-1);
    }

    private static JsonNode es(HttpUrl node, String method, String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(node.uri().toString().replaceAll("/+$", "") + path))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        String answer = HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
        return answer.isEmpty() ? JSON.nullNode() : JSON.readTree(answer);
    }
}

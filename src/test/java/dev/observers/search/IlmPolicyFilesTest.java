package dev.observers.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every file of ilm-policies/ on a real ILM engine (Elasticsearch 6.8.23, the only one obtainable):
 * each is accepted as it is, reads back as unchanged to the daemon's comparison, and, with its days
 * turned into seconds, really takes an index through its phases to deletion. Skipped without Java 17.
 */
class IlmPolicyFilesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static IlmEngine engine;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(IlmEngine.java17(), "no Java 17 at " + IlmEngine.JAVA_17 + ": Elasticsearch 6.8 (the ILM engine) needs it");
        Path home = IlmEngine.home();
        assumeTrue(home != null, "Elasticsearch 6.8.23 is not unpacked: run the tests through Maven");
        engine = IlmEngine.start(home);
    }

    @AfterAll
    static void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    private static List<Path> policyFiles() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("ilm-policies"))) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
    }

    @Test
    void everyPolicyFileIsAcceptedAndReadsBackUnchanged() throws Exception {
        List<Path> files = policyFiles();
        assertThat(files).isNotEmpty();
        for (Path file : files) {
            IlmPolicy policy = IlmPolicies.load(file.toString(), Optional.empty());

            HttpResponse<String> put = engine.send("PUT", "/_ilm/policy/" + policy.name(), policy.body().toString());
            assertThat(put.statusCode()).as("PUT %s: %s", file, put.body()).isEqualTo(200);
            assertThat(JSON.readTree(put.body()).path("acknowledged").asBoolean()).isTrue();

            JsonNode stored = JSON.readTree(engine.send("GET", "/_ilm/policy/" + policy.name(), null).body())
                    .path(policy.name()).path("policy");
            assertThat(LifecycleInstaller.normalised(stored)).as(file.toString())
                    .isEqualTo(LifecycleInstaller.normalised(policy.body().get("policy")));
        }
    }

    @Test
    void everyPolicyFileRunsAnIndexThroughItsPhasesToDeletion() throws Exception {
        Map<String, String> indices = new java.util.TreeMap<>();
        for (Path file : policyFiles()) {
            IlmPolicy policy = IlmPolicies.load(file.toString(), Optional.empty());
            String fast = policy.name() + "-fast";
            ObjectNode body = policy.body();
            int second = 0;
            for (String phase : IlmPolicies.PHASES) {
                if (body.at("/policy/phases").has(phase)) {
                    ((ObjectNode) body.at("/policy/phases/" + phase)).put("min_age", second + "s");
                    second += 2;
                }
            }
            assertThat(engine.send("PUT", "/_ilm/policy/" + fast, body.toString()).statusCode()).isEqualTo(200);
            String pattern = "ilmtest-" + policy.name();
            HttpResponse<String> template = engine.send("PUT", "/_template/" + pattern, """
                    {"index_patterns": ["%s-*"], "settings": {"number_of_shards": 1, "number_of_replicas": 0,
                     "index.lifecycle.name": "%s"}}
                    """.formatted(pattern, fast));
            assertThat(template.statusCode()).as(template.body()).isEqualTo(200);
            String index = pattern + "-2026.12.01";
            HttpResponse<String> doc = engine.send("PUT", "/" + index + "/_doc/1?refresh=true",
                    "{\"event_type\": \"INSERT\", \"entity_type\": \"Post\"}");
            assertThat(doc.statusCode()).as(doc.body()).isEqualTo(201);
            indices.put(index, fast);
        }

        for (Map.Entry<String, String> index : indices.entrySet()) {
            JsonNode explain = JSON.readTree(engine.send("GET", "/" + index.getKey() + "/_ilm/explain", null).body());
            assertThat(explain.at("/indices/" + index.getKey() + "/policy").asText()).isEqualTo(index.getValue());
        }
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            for (String index : indices.keySet()) {
                assertThat(engine.send("HEAD", "/" + index, null).statusCode()).as(index).isEqualTo(404);
            }
        });
    }
}

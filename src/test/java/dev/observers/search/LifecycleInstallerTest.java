package dev.observers.search;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.observers.config.HttpUrl;
import dev.observers.testing.TestServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Against recorded Elasticsearch answers (see es-responses/README.md): no obtainable 8.x/9.x node has
 * ILM. The one answer that matters without ILM is also checked against the real 8.19.21 node.
 */
class LifecycleInstallerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String POLICY = "/_ilm/policy/observer-events";

    private final RecordedElasticsearch es = new RecordedElasticsearch();
    private final List<ElasticsearchClient> clients = new ArrayList<>();
    private final LogCapture log = LogCapture.of(LifecycleInstaller.class);
    private final IlmPolicy policy = IlmPolicies.load("observer-events", Optional.empty());

    @AfterEach
    void close() throws IOException {
        log.close();
        for (ElasticsearchClient client : clients) {
            client._transport().close();
        }
        es.close();
    }

    private LifecycleInstaller installer(HttpUrl url) {
        ElasticsearchClient client = SearchClients.create(url);
        clients.add(client);
        return new LifecycleInstaller(client);
    }

    @Test
    void installsThePolicyWhenTheClusterHasNone() throws Exception {
        es.answer("GET", POLICY, "6.8.23-get-policy-missing.404.json")
                .answer("PUT", POLICY, "6.8.23-put-policy.200.json")
                .answer("GET", "/_ilm/status", "6.8.23-get-status.200.json");

        Lifecycle lifecycle = installer(es.url()).install(policy);

        assertThat(lifecycle).isEqualTo(new Lifecycle.Managed("observer-events"));
        assertThat(es.requestLines()).containsExactly("GET " + POLICY, "PUT " + POLICY, "GET /_ilm/status");
        assertThat(JSON.readTree(es.received().get(1).body())).isEqualTo(policy.body());
        assertThat(log.messages(Level.INFO)).containsExactly("ILM policy observer-events installed from"
                + " ilm-policies/observer-events.json (bundled): daily indices are deleted after 30 days");
    }

    @Test
    void replacesAPolicyWhosePhasesDiffer() throws Exception {
        es.answer("GET", POLICY, "8.x-get-policy-observer-events-older.200.json")
                .answer("PUT", POLICY, "6.8.23-put-policy.200.json")
                .answer("GET", "/_ilm/status", "6.8.23-get-status.200.json");

        assertThat(installer(es.url()).install(policy)).isEqualTo(new Lifecycle.Managed("observer-events"));

        assertThat(es.requestLines()).containsExactly("GET " + POLICY, "PUT " + POLICY, "GET /_ilm/status");
        assertThat(JSON.readTree(es.received().get(1).body())).isEqualTo(policy.body());
        assertThat(log.messages(Level.INFO)).containsExactly("ILM policy observer-events updated: the cluster's copy"
                + " differed from ilm-policies/observer-events.json (bundled); daily indices are deleted after 30 days");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"8.x-get-policy-observer-events.200.json", "6.8.23-get-policy-observer-events.200.json"})
    void leavesAnEqualPolicyAlone(String stored) throws Exception {
        es.answer("GET", POLICY, stored).answer("GET", "/_ilm/status", "6.8.23-get-status.200.json");

        assertThat(installer(es.url()).install(policy)).isEqualTo(new Lifecycle.Managed("observer-events"));

        assertThat(es.requestLines()).containsExactly("GET " + POLICY, "GET /_ilm/status");
        assertThat(log.messages(Level.INFO))
                .containsExactly("ILM policy observer-events unchanged: daily indices are deleted after 30 days");
    }

    @Test
    void aRetentionOverrideMakesTheStoredPolicyDifferent() throws Exception {
        IlmPolicy sixtyDays = IlmPolicies.load("observer-events", Optional.of(60));
        es.answer("GET", POLICY, "8.x-get-policy-observer-events.200.json")
                .answer("PUT", POLICY, "6.8.23-put-policy.200.json")
                .answer("GET", "/_ilm/status", "6.8.23-get-status.200.json");

        installer(es.url()).install(sixtyDays);

        assertThat(es.requestLines()).contains("PUT " + POLICY);
        assertThat(JSON.readTree(es.received().get(1).body()).at("/policy/phases/delete/min_age").asText())
                .isEqualTo("60d");
    }

    @Test
    void requestsDeclareCompatibilityWith8OnBothHeaders() throws Exception {
        es.answer("GET", POLICY, "6.8.23-get-policy-missing.404.json")
                .answer("PUT", POLICY, "6.8.23-put-policy.200.json")
                .answer("GET", "/_ilm/status", "6.8.23-get-status.200.json");

        installer(es.url()).install(policy);

        RecordedElasticsearch.Received put = es.received().get(1);
        assertThat(put.headers().get("accept")).isEqualTo("application/vnd.elasticsearch+json; compatible-with=8");
        assertThat(put.headers().get("content-type")).startsWith("application/vnd.elasticsearch+json")
                .contains("compatible-with=8");
    }

    @Test
    void theRecordedAnswerOf8_19_21IsAClusterWithoutIlm() throws Exception {
        es.answer("GET", POLICY, "8.19.21-get-policy-no-ilm.400.json");

        Lifecycle lifecycle = installer(es.url()).install(policy);

        assertThat(lifecycle).isEqualTo(new Lifecycle.Unmanaged("GET " + POLICY + " answered 400: no handler found"
                + " for uri [/_ilm/policy/observer-events] and method [GET]"));
        assertThat(lifecycle.templatePolicy()).isEmpty();
        assertThat(es.requestLines()).containsExactly("GET " + POLICY);
        assertThat(log.lines()).singleElement().satisfies(line -> {
            assertThat(line.level()).isEqualTo(Level.INFO);
            assertThat(line.message()).isEqualTo("This Elasticsearch cluster has no index lifecycle management (GET "
                    + POLICY + " answered 400: no handler found for uri [/_ilm/policy/observer-events] and method [GET]):"
                    + " the daemon deletes daily indices older than 30 days itself");
        });
    }

    @Test
    void theReal9_5_3NodeIsAClusterWithoutIlmToo() throws Exception {
        Lifecycle lifecycle = installer(TestServers.elasticsearch9()).install(IlmPolicies.load("observer-events",
                Optional.empty()));

        assertThat(lifecycle).isInstanceOf(Lifecycle.Unmanaged.class);
        assertThat(((Lifecycle.Unmanaged) lifecycle).reason()).startsWith("GET /_ilm/policy/observer-events answered");
        assertThat(log.messages(Level.INFO)).singleElement().asString()
                .endsWith("the daemon deletes daily indices older than 30 days itself");
    }

    @Test
    void theReal8_19_21NodeIsAClusterWithoutIlm() throws Exception {
        Lifecycle lifecycle = installer(TestServers.elasticsearch()).install(IlmPolicies.load("observer-events-short",
                Optional.empty()));

        assertThat(lifecycle).isInstanceOf(Lifecycle.Unmanaged.class);
        assertThat(((Lifecycle.Unmanaged) lifecycle).reason()).isEqualTo("GET /_ilm/policy/observer-events-short"
                + " answered 400: no handler found for uri [/_ilm/policy/observer-events-short] and method [GET]");
        assertThat(log.messages(Level.INFO)).singleElement().asString()
                .endsWith("the daemon deletes daily indices older than 7 days itself");
    }

    @Test
    void aStoppedIlmIsWarnedAboutButStillManages() throws Exception {
        es.answer("GET", POLICY, "8.x-get-policy-observer-events.200.json")
                .answer("GET", "/_ilm/status", "8.x-get-status-stopped.200.json");

        assertThat(installer(es.url()).install(policy)).isEqualTo(new Lifecycle.Managed("observer-events"));

        assertThat(log.messages(Level.WARNING)).containsExactly("ILM on this cluster is STOPPED: policy observer-events"
                + " is installed but no index is deleted until ILM runs again (POST _ilm/start)");
    }

    @Test
    void aRefusalIsAnErrorNamingTheRequestAndThePrivilege() {
        es.answer("GET", POLICY, "8.x-get-policy-unauthorized.403.json");

        assertThatThrownBy(() -> installer(es.url()).install(policy))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("Elasticsearch answered GET " + POLICY + " with 403: security_exception: action"
                        + " [cluster:admin/ilm/get] is unauthorized for user [observers]")
                .hasMessageEndingWith("(the daemon's Elasticsearch user needs the manage_ilm cluster privilege)");
        assertThat(es.requestLines()).containsExactly("GET " + POLICY);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            400 | {"error":"no handler found for uri [/_ilm/policy/p] and method [GET]"}                 | true
            405 | {"error":"Incorrect HTTP method for uri [/_ilm/status] and method [GET], allowed: [POST]","status":405} | true
            410 | {"error":{"type":"api_not_available_exception","reason":"Request for uri [/_ilm/policy/p] with method [GET] exists but is not available when running in serverless mode"},"status":410} | true
            404 | {"error":{"type":"resource_not_found_exception","reason":"Lifecycle policy not found: p"},"status":404} | false
            400 | {"error":{"type":"x_content_parse_exception","reason":"[1:12] unknown field [_meta]"},"status":400} | false
            503 | {"error":{"type":"master_not_discovered_exception","reason":null},"status":503}           | false
            """)
    void onlyAMissingHandlerMeansNoIlm(int status, String body, boolean noIlm) {
        assertThat(LifecycleInstaller.noIlm(status, body).isPresent()).isEqualTo(noIlm);
    }

    @Test
    void comparisonIgnoresWhatElasticsearchAddsAndSeesWhatTheUserChanged() throws Exception {
        var file = JSON.readTree("""
                {"phases": {"warm": {"min_age": "3d", "actions": {"forcemerge": {"max_num_segments": 1}}},
                            "hot": {"actions": {}},
                            "delete": {"min_age": "30d", "actions": {"delete": {}}}}}
                """);
        var stored = JSON.readTree("""
                {"phases": {"hot": {"min_age": "0ms", "actions": {}},
                            "warm": {"min_age": "72h", "actions": {"forcemerge": {"max_num_segments": "1"}}},
                            "delete": {"min_age": "30d", "actions": {"delete": {"delete_searchable_snapshot": true}}}}}
                """);
        assertThat(LifecycleInstaller.normalised(stored)).isEqualTo(LifecycleInstaller.normalised(file));

        var keepsSnapshots = JSON.readTree(stored.toString().replace("\"delete_searchable_snapshot\":true",
                "\"delete_searchable_snapshot\":false"));
        assertThat(LifecycleInstaller.normalised(keepsSnapshots)).isNotEqualTo(LifecycleInstaller.normalised(file));
        var withMeta = JSON.readTree("{\"_meta\": {\"owner\": \"ops\"}, \"phases\": " + stored.get("phases") + "}");
        assertThat(LifecycleInstaller.normalised(withMeta)).isNotEqualTo(LifecycleInstaller.normalised(file));
    }
}

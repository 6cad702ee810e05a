package dev.observers.lookup;

import com.fasterxml.jackson.databind.JsonNode;
import dev.observers.action.EventJson;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HttpLookupTest {

    private static LookupServer server;
    private static HttpLookupSource source;

    @BeforeAll
    static void start() throws IOException {
        server = new LookupServer();
        source = new HttpLookupSource(Duration.ofSeconds(2), Duration.ofMillis(500));
    }

    @AfterAll
    static void stop() {
        source.close();
        server.close();
    }

    @BeforeEach
    void answerPromptly() {
        server.reset();
    }

    private static JsonNode get(String urlTemplate, Map<String, String> headers, String dataJson)
            throws LookupException {
        LookupDefinition lookup = new LookupDefinition.Http("weather", urlTemplate, headers, Optional.empty());
        return source.fetch((LookupRequest.HttpGet) LookupRequest.render(lookup,
                EventJson.of(LookupEvents.post(dataJson))));
    }

    @Test
    void aJsonBodyIsTheResultAndTheEventShapesTheRequest() throws LookupException {
        JsonNode result = get(server.url("/weather/{{ data.city }}?tenant={{ tenant_id }}"),
                Map.of("X-Tenant", "{{ tenant_id }}"), "{\"city\": \"São Paulo\"}");

        assertThat(EventJson.text(result)).isEqualTo("{\"path\":\"/weather/S%C3%A3o%20Paulo\"}");
        LookupServer.Seen seen = server.seen().getLast();
        assertThat(seen.rawQuery()).isEqualTo("tenant=acme");
        assertThat(seen.headers()).containsEntry("X-tenant", List.of("acme"))
                .containsEntry("Accept", List.of("application/json"));
    }

    @Test
    void aTextBodyIsItsTextAndAnEmptyOneIsNull() throws LookupException {
        server.answer(path -> path.equals("/empty") ? new LookupServer.Answer(204, "text/plain", "")
                : new LookupServer.Answer(200, "text/plain", "sunny, 24 °C"));

        assertThat(get(server.url("/text"), Map.of(), "{}").textValue()).isEqualTo("sunny, 24 °C");
        assertThat(get(server.url("/empty"), Map.of(), "{}").isNull()).isTrue();
    }

    @Test
    void anErrorStatusFailsWithTheTargetAndTheBodyButNotThePath() {
        server.answer(path -> new LookupServer.Answer(503, "text/plain", "maintenance until noon"));

        assertThatThrownBy(() -> get(server.url("/secret-token-123/weather"), Map.of(), "{}"))
                .isInstanceOf(LookupException.class)
                .hasMessage("lookup weather: GET " + server.url("")
                        + " answered HTTP 503: maintenance until noon")
                .message().doesNotContain("secret-token-123");
    }

    @Test
    void aSlowServerFailsAtTheTimeout() {
        server.delay(Duration.ofSeconds(2));

        assertThatThrownBy(() -> get(server.url("/slow"), Map.of(), "{}"))
                .isInstanceOf(LookupException.class)
                .hasMessageEndingWith(" no answer within 500 ms");
    }

    @Test
    void aClosedPortFailsAsRefused() {
        assertThatThrownBy(() -> get("http://127.0.0.1:1/weather", Map.of(), "{}"))
                .isInstanceOf(LookupException.class)
                .hasMessage("lookup weather: GET http://127.0.0.1:1: could not connect (connection refused)");
    }
}

package dev.observers.lookup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.observers.action.EventJson;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LookupRequestTest {

    private static final JsonNode EVENT = EventJson.of(LookupEvents.post(
            "{\"fk_author\": 42, \"city\": \"São Paulo/Centro\", \"tags\": [\"a\", \"b\"]}"));

    private static LookupDefinition.Sql sql(String query, String... params) {
        return new LookupDefinition.Sql("author", query, List.of(params).stream().map(EventPath::parse).toList(),
                Optional.empty());
    }

    @Test
    void sqlParametersAreReadFromTheEventInOrder() throws LookupException {
        LookupRequest request = LookupRequest.render(
                sql("SELECT $1, $2, $3, $4, $5", "data.fk_author", "entity_id", "fk_author", "data.tags.1",
                        "data.nope"), EVENT);

        JsonNodeFactory json = JsonNodeFactory.instance;
        assertThat(request).isEqualTo(new LookupRequest.SqlQuery("author", "SELECT $1, $2, $3, $4, $5", List.of(
                json.numberNode(42), json.textNode(LookupEvents.POST_ID.toString()), json.numberNode(42),
                json.textNode("b"), NullNode.getInstance())));
    }

    @Test
    void httpUrlsCarryEventValuesEncodedAndHeadersAsTheyAre() throws LookupException {
        LookupRequest request = LookupRequest.render(new LookupDefinition.Http("weather",
                "https://api.example.com/weather/{{ data.city }}?tenant={{ tenant_id }}",
                Map.of("X-City", "{{ data.city }}"), Optional.empty()), EVENT);

        assertThat(request).isEqualTo(new LookupRequest.HttpGet("weather",
                URI.create("https://api.example.com/weather/S%C3%A3o%20Paulo%2FCentro?tenant=acme"),
                Map.of("X-City", "São Paulo/Centro")));
    }

    @Test
    void aUrlWithoutAHostForThisEventFails() {
        assertThatThrownBy(() -> LookupRequest.render(new LookupDefinition.Http("weather",
                "https://{{ data.nope }}/x", Map.of(), Optional.empty()), EVENT))
                .isInstanceOf(LookupException.class)
                .hasMessage("lookup weather: the URL rendered for this event has no http(s) host");
    }

    @Test
    void cacheKeysAreEqualExactlyWhenTheRequestsAre() throws LookupException {
        String a = LookupRequest.cacheKey("observers:", LookupRequest.render(
                sql("SELECT name FROM u WHERE id = $1", "data.fk_author"), EVENT));
        String same = LookupRequest.cacheKey("observers:", LookupRequest.render(
                sql("SELECT name FROM u WHERE id = $1", "fk_author"), EVENT));
        String otherQuery = LookupRequest.cacheKey("observers:", LookupRequest.render(
                sql("SELECT email FROM u WHERE id = $1", "data.fk_author"), EVENT));
        String otherValue = LookupRequest.cacheKey("observers:", LookupRequest.render(
                sql("SELECT name FROM u WHERE id = $1", "entity_id"), EVENT));

        assertThat(a).matches("observers:lookup:author:[0-9a-f]{32}").isEqualTo(same);
        assertThat(List.of(otherQuery, otherValue)).doesNotContain(a).doesNotHaveDuplicates();
    }
}

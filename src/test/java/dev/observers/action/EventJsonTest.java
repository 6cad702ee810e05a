package dev.observers.action;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EventJsonTest {

    @Test
    void carriesFraiseqlEntityEventFieldsInItsOrder() {
        ObjectNode json = EventJson.of(Events.postUpdate("{\"title\": \"Hi\", \"status\": \"published\"}"));
        List<String> names = new ArrayList<>();
        json.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactly("id", "event_type", "entity_type", "entity_id", "data", "changes", "user_id",
                "tenant_id", "timestamp", "trace_id", "before");
        assertThat(json.get("id").asText()).isEqualTo("0f8fad5b-d9cb-469f-a165-70867728950e");
        assertThat(json.get("event_type").asText()).isEqualTo("UPDATE");
        assertThat(json.get("entity_type").asText()).isEqualTo("Post");
        assertThat(json.get("entity_id").asText()).isEqualTo("7c9e6679-7425-40de-944b-e07fc1f90ae7");
        assertThat(json.get("data").get("title").asText()).isEqualTo("Hi");
        assertThat(json.get("changes").get("status").get("old").asText()).isEqualTo("draft");
        assertThat(json.get("changes").get("status").get("new").asText()).isEqualTo("published");
        assertThat(json.get("user_id").asText()).isEqualTo("17");
        assertThat(json.get("tenant_id").asText()).isEqualTo("a3bb189e-8bf9-3888-9912-ace4e6543002");
        assertThat(Instant.parse(json.get("timestamp").asText())).isEqualTo(Events.AT);
        assertThat(json.get("trace_id").asText()).isEqualTo("trace-1");
        assertThat(json.get("before").get("status").asText()).isEqualTo("draft");
    }

    @Test
    void absentOptionalsAreNullAndBeforeIsLeftOut() {
        ObjectNode json = EventJson.of(Events.insert("{\"n\": 1}"));
        assertThat(json.get("changes").isNull()).isTrue();
        assertThat(json.get("user_id").isNull()).isTrue();
        assertThat(json.get("tenant_id").isNull()).isTrue();
        assertThat(json.get("trace_id").isNull()).isTrue();
        assertThat(json.has("before")).isFalse();
        assertThat(json.get("event_type").asText()).isEqualTo("INSERT");
    }

    @Test
    void serializesCompactly() {
        JsonNode json = EventJson.of(Events.insert("{\"n\": 1}"));
        String text = new String(EventJson.bytes(json), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(text).startsWith("{\"id\":\"").contains("\"data\":{\"n\":1}").doesNotContain("\n", ": ");
        assertThat(Events.parse(text)).isEqualTo(json);
    }
}

package dev.observers.action;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RenderingTest {

    @Test
    void theEventJsonHasFraiseqlsFields() throws Exception {
        JsonNode json = new ObjectMapper().readTree(Rendering.eventJson().apply(TestEvents.postPublished()));

        assertThat(json.fieldNames()).toIterable().containsExactly("id", "event_type", "entity_type", "entity_id",
                "data", "changes", "user_id", "tenant_id", "timestamp");
        assertThat(json.path("id").asText()).isEqualTo(TestEvents.EVENT_ID.toString());
        assertThat(json.path("event_type").asText()).isEqualTo("UPDATE");
        assertThat(json.path("changes").path("status").path("old").asText()).isEqualTo("draft");
        assertThat(json.path("changes").path("status").path("new").asText()).isEqualTo("published");
        assertThat(json.path("timestamp").asText()).isEqualTo("2026-11-24T09:15:30.123Z");
    }

    @Test
    void changesAreNullWhenTheEventCarriesNone() throws Exception {
        JsonNode json = new ObjectMapper().readTree(Rendering.eventJson().apply(TestEvents.postInserted()));
        assertThat(json.get("changes").isNull()).isTrue();
    }

    @Test
    void placeholdersFollowDottedPathsIntoTheEvent() {
        String text = Rendering.template("{{entity_type}}/{{ entity_id }} '{{ data.title }}' by {{ data.author.name }}"
                + " #{{ data.tags.1 }} words={{ data.words }}").apply(TestEvents.postInserted());
        assertThat(text).isEqualTo("Post/" + TestEvents.POST_ID + " 'Hello, world' by Ada #news words=1200");
    }

    @Test
    void objectsRenderAsJsonAndMissingOrNullValuesAsNothing() {
        var event = TestEvents.postInserted();
        assertThat(Rendering.template("{{ data.author }}").apply(event))
                .isEqualTo("{\"name\":\"Ada\",\"email\":\"ada@example.com\"}");
        assertThat(Rendering.template("[{{ data.missing.deeper }}][{{ changes }}][{{ data.tags.9 }}]").apply(event))
                .isEqualTo("[][][]");
    }

    @Test
    void textWithoutPlaceholdersAndMalformedBracesIsKeptAsWritten() {
        var event = TestEvents.postInserted();
        assertThat(Rendering.template("plain $1 \\ text").apply(event)).isEqualTo("plain $1 \\ text");
        assertThat(Rendering.template("{{ not closed, {{ a b }} }}").apply(event)).isEqualTo("{{ not closed, {{ a b }} }}");
    }

    @Test
    void renderedValuesAreNotReadAsPlaceholdersOrReplacementSyntax() {
        var event = TestEvents.withData(TestEvents.post("{{ entity_type }} costs $5 \\o/", "draft"));
        assertThat(Rendering.template("{{ data.title }}").apply(event)).isEqualTo("{{ entity_type }} costs $5 \\o/");
    }
}

package dev.observers.action;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Email and publish render with the same event JSON and templates as webhooks (TemplateTest covers paths). */
class RenderingTest {

    @Test
    void theEventJsonIsTheSharedOne() throws Exception {
        var event = TestEvents.postPublished();
        JsonNode json = new ObjectMapper().readTree(Rendering.eventJson().apply(event));
        assertThat(json).isEqualTo(EventJson.of(event));
        assertThat(json.path("changes").path("status").path("new").asText()).isEqualTo("published");
    }

    @Test
    void templatesFollowDottedPathsIntoTheEvent() {
        String text = Rendering.template("{{ entity_type }}/{{ entity_id }} '{{ data.title }}' by {{ data.author.name }}")
                .apply(TestEvents.postInserted());
        assertThat(text).isEqualTo("Post/" + TestEvents.POST_ID + " 'Hello, world' by Ada");
    }
}

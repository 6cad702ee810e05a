package dev.observers.action;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TemplateTest {

    private final ObjectNode event = EventJson.of(Events.postUpdate("""
            {"title": "Hello \\"world\\"", "status": "published", "views": 12, "price": 9.5, "draft": false,
             "author": {"name": "Ada", "tags": ["x", "y"]}, "id": "post-1", "nothing": null}"""));

    @Test
    void dottedPathsStartAtTheEvent() {
        Template t = Template.compile("{{ event_type }} {{entity_type}} {{ entity_id }} {{ data.title }} "
                + "{{ changes.status.old }}->{{ changes.status.new }} {{ data.author.tags.1 }}");
        assertThat(t.render(event)).isEqualTo("UPDATE Post 7c9e6679-7425-40de-944b-e07fc1f90ae7 Hello \"world\" "
                + "draft->published y");
    }

    @Test
    void bareNamesMeanDataFieldsAsInFraiseqlThenEventFields() {
        assertThat(Template.compile("{{ status }}/{{ id }}/{{ entity_type }}").render(event))
                .isEqualTo("published/post-1/Post");
        assertThat(Template.compile("{{ data.id }} vs event {{ user_id }}").render(event))
                .isEqualTo("post-1 vs event 17");
    }

    @Test
    void aDottedPathWhoseHeadIsOnlyADataFieldReadsTheData() {
        assertThat(Template.compile("{{ author.name }} {{ author.tags.0 }} {{ changes.status.new }}").render(event))
                .isEqualTo("Ada x published");
    }

    @Test
    void missingPathsRenderEmptyAndAreReported() {
        Template t = Template.compile("[{{ data.absent }}][{{ data.title.deeper }}][{{ changes.views.new }}]");
        assertThat(t.render(event)).isEqualTo("[][][]");
        assertThat(t.missing(event)).containsExactly("{{ data.absent }}", "{{ data.title.deeper }}",
                "{{ changes.views.new }}");
        assertThat(Template.compile("{{ data.nothing }}").missing(event)).isEmpty();
    }

    @Test
    void nonStringValuesRenderAsCompactJson() {
        assertThat(Template.compile("{{ views }} {{ price }} {{ draft }} {{ nothing }} {{ data.author }}").render(event))
                .isEqualTo("12 9.5 false null {\"name\":\"Ada\",\"tags\":[\"x\",\"y\"]}");
    }

    @Test
    void textWithoutHolesIsKeptVerbatim() {
        Template t = Template.compile("no holes, {single} braces and }} closers");
        assertThat(t.hasHoles()).isFalse();
        assertThat(t.render(event)).isEqualTo("no holes, {single} braces and }} closers");
    }

    @Test
    void aCompiledTemplateRendersManyEvents() {
        Template t = Template.compile("post {{ data.id }}");
        assertThat(t.render(EventJson.of(Events.insert("{\"id\": 1}")))).isEqualTo("post 1");
        assertThat(t.render(EventJson.of(Events.insert("{\"id\": 2}")))).isEqualTo("post 2");
    }

    @Test
    void malformedHolesAreRefusedAtCompileWithTheirOffset() {
        assertThatThrownBy(() -> Template.compile("hello {{ data.title"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offset 6");
        assertThatThrownBy(() -> Template.compile("a {{ }} b"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("{{ }}");
        assertThatThrownBy(() -> Template.compile("{{ data..title }}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a field path");
        assertThatThrownBy(() -> Template.compile("{{ data title }}"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void escaperAppliesToSubstitutedValuesOnly() {
        Template t = Template.compile("*:{{ status }}:*");
        assertThat(t.render(event, v -> v.toUpperCase())).isEqualTo("*:PUBLISHED:*");
    }

    @Test
    void jsonTemplateEscapesValuesInsideStrings() {
        ObjectNode hostile = EventJson.of(Events.insert("""
                {"name": "x\\", \\"admin\\": true, \\"y\\": \\"", "note": "line1\\nline2"}"""));
        Template t = Template.forJson("{\"name\": \"{{ name }}\", \"note\": \"say: {{ data.note }}!\"}");
        JsonNode body = Events.parse(t.render(hostile));
        assertThat(body.size()).isEqualTo(2);
        assertThat(body.get("name").asText()).isEqualTo("x\", \"admin\": true, \"y\": \"");
        assertThat(body.get("note").asText()).isEqualTo("say: line1\nline2!");
    }

    @Test
    void jsonTemplateInsertsJsonInValuePosition() {
        Template t = Template.forJson("{\"views\": {{ views }}, \"title\": {{ data.title }}, \"author\": {{ data.author }},"
                + " \"gone\": {{ data.absent }}, \"text\": \"{{ data.author }}\"}");
        JsonNode body = Events.parse(t.render(event));
        assertThat(body.get("views").asInt()).isEqualTo(12);
        assertThat(body.get("title").asText()).isEqualTo("Hello \"world\"");
        assertThat(body.get("author").get("name").asText()).isEqualTo("Ada");
        assertThat(body.get("gone").isNull()).isTrue();
        assertThat(body.get("text").asText()).isEqualTo("{\"name\":\"Ada\",\"tags\":[\"x\",\"y\"]}");
    }

    @Test
    void jsonTemplateKnowsWhetherItIsJson() {
        assertThat(Template.forJson("{\"a\": \"{{ a }}\", \"b\": {{ b }}}").rendersJson()).isTrue();
        assertThat(Template.forJson("[\"\\\"{{ a }}\"]").rendersJson()).isTrue();
        assertThat(Template.forJson("Order {{ id }} shipped").rendersJson()).isFalse();
        assertThat(Template.compile("{\"a\": 1}").rendersJson()).isFalse();
    }
}

package dev.observers.search;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.observers.action.EventJson;
import dev.observers.changelog.ChangeEvent;
import dev.observers.changelog.EventKind;
import dev.observers.changelog.FieldChange;
import dev.observers.checkpoint.Position;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SearchDocumentTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Instant AT = Instant.parse("2026-03-01T23:59:59.123456Z");

    @Test
    void theSourceIsTheEventJsonObserversSeePlusTheSearchFields() throws Exception {
        ObjectNode data = (ObjectNode) JSON.readTree("{\"title\":\"Hello \\\"world\\\"\",\"tags\":[\"a\",1,null],\"n\":{\"x\":2.5}}");
        ObjectNode before = data.deepCopy().put("title", "draft");
        Map<String, FieldChange> changes = new LinkedHashMap<>();
        changes.put("title", new FieldChange(before.get("title"), data.get("title")));
        changes.put("gone", new FieldChange(JSON.readTree("1"), null));
        ChangeEvent event = new ChangeEvent(new Position(7, 42), UUID.randomUUID(), EventKind.UPDATE, "UPDATE", "Post",
                UUID.randomUUID(), data, before, changes, "17", "tenant-1", AT, List.of("title", "gone"), "trace-1",
                null, JSON.readTree("{\"source\":\"api\"}"));

        assertEquals(expected(event), new String(SearchDocument.of("events", event).source(), StandardCharsets.UTF_8));
    }

    @Test
    void absentOptionalFieldsAreNullOrLeftOutAsBefore() throws Exception {
        ChangeEvent event = new ChangeEvent(new Position(8, 43), UUID.randomUUID(), EventKind.DELETE, "DELETE", "Post",
                null, null, JSON.nullNode(), null, null, null, null, null, null, null, JSON.nullNode());

        SearchDocument document = SearchDocument.of("events", event);

        assertEquals(expected(event), new String(document.source(), StandardCharsets.UTF_8));
        assertEquals("events-1970.01.01", document.index());
        assertEquals(event.id().toString(), document.id());
    }

    @Test
    void theIndexIsTheUtcDayOfTheEventsOwnTimestamp() {
        assertEquals("events-2026.03.01", SearchDocument.index("events", AT));
        assertEquals("events-2026.03.02", SearchDocument.index("events", Instant.parse("2026-03-02T00:00:00Z")));
    }

    /** The document as a tree: the event JSON of the actions with the search fields after it. */
    private static String expected(ChangeEvent event) {
        ObjectNode source = EventJson.of(event);
        source.put("pk", event.pk());
        source.put("modification_type", event.modificationType());
        if (event.updatedFields() != null) {
            event.updatedFields().forEach(source.putArray("updated_fields")::add);
        }
        if (event.extraMetadata() != null && !event.extraMetadata().isNull()) {
            source.set("extra_metadata", event.extraMetadata());
        }
        return EventJson.text(source);
    }
}

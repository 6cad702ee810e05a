package dev.observers.action;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.observers.changelog.ChangeEvent;
import dev.observers.changelog.EventKind;
import dev.observers.changelog.FieldChange;
import dev.observers.checkpoint.Position;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Change events for action tests: a blog post as the demo schema has it. */
final class TestEvents {

    static final UUID EVENT_ID = UUID.fromString("0b6f5f8e-6c1e-4d43-9d6a-1f2e3d4c5b6a");
    static final UUID POST_ID = UUID.fromString("7d1c3c4e-2a9b-4f7e-8c6d-5e4f3a2b1c0d");
    static final Instant AT = Instant.parse("2026-11-24T09:15:30.123Z");

    private TestEvents() {
    }

    static ChangeEvent postInserted() {
        return event(EventKind.INSERT, post("Hello, world", "draft"), null);
    }

    static ChangeEvent postPublished() {
        JsonNodeFactory json = JsonNodeFactory.instance;
        return event(EventKind.UPDATE, post("Hello, world", "published"),
                Map.of("status", new FieldChange(json.textNode("draft"), json.textNode("published"))));
    }

    static ChangeEvent withData(ObjectNode data) {
        return event(EventKind.INSERT, data, null);
    }

    static ObjectNode post(String title, String status) {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("title", title);
        data.put("status", status);
        data.put("words", 1200);
        data.putObject("author").put("name", "Ada").put("email", "ada@example.com");
        data.putArray("tags").add("intro").add("news");
        return data;
    }

    private static ChangeEvent event(EventKind kind, ObjectNode data, Map<String, FieldChange> changes) {
        return new ChangeEvent(new Position(900, 42), EVENT_ID, kind, kind.name(), "Post", POST_ID, data, null, changes,
                "17", "acme", AT, List.of(), null, null, null);
    }
}

package dev.observers.action;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.observers.changelog.ChangeEvent;
import dev.observers.changelog.EventKind;
import dev.observers.changelog.FieldChange;
import dev.observers.checkpoint.Position;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Change events and invocations for action tests. */
final class Events {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final Instant AT = Instant.parse("2026-03-01T12:34:56.789Z");

    private Events() {
    }

    /** An UPDATE of a Post whose status went from draft to published. */
    static ChangeEvent postUpdate(String dataJson) {
        ObjectNode data = object(dataJson);
        ObjectNode before = data.deepCopy();
        before.put("status", "draft");
        Map<String, FieldChange> changes = new LinkedHashMap<>();
        changes.put("status", new FieldChange(before.get("status"), data.get("status")));
        return new ChangeEvent(new Position(7, 42), UUID.fromString("0f8fad5b-d9cb-469f-a165-70867728950e"),
                EventKind.UPDATE, "UPDATE", "Post", UUID.fromString("7c9e6679-7425-40de-944b-e07fc1f90ae7"),
                data, before, changes, "17", "a3bb189e-8bf9-3888-9912-ace4e6543002", AT, List.of("status"),
                "trace-1", null, null);
    }

    /** An INSERT with the given data and no before image. */
    static ChangeEvent insert(String dataJson) {
        return new ChangeEvent(new Position(8, 43), UUID.randomUUID(), EventKind.INSERT, "INSERT", "Post",
                UUID.randomUUID(), object(dataJson), null, null, null, null, AT, null, null, null, null);
    }

    static Invocation invocation(Duration timeLeft) {
        return new Invocation("post-published", 1, "idem-" + UUID.randomUUID(), Instant.now().plus(timeLeft));
    }

    static Invocation invocation() {
        return invocation(Duration.ofSeconds(10));
    }

    static ObjectNode object(String json) {
        return (ObjectNode) parse(json);
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}

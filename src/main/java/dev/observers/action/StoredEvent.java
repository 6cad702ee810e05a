package dev.observers.action;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.observers.changelog.ChangeEvent;
import dev.observers.changelog.EventKind;
import dev.observers.changelog.FieldChange;
import dev.observers.checkpoint.Position;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The inverse of {@link EventJson}: the event a dead letter stored, rebuilt for a retry when its
 * change-log row is gone. What {@link EventJson} leaves out (the txid, trace context, extra metadata,
 * updated fields) stays empty.
 */
public final class StoredEvent {

    private StoredEvent() {
    }

    /** The event in {@code json}, or empty when it is not one {@link EventJson} wrote. */
    public static Optional<ChangeEvent> parse(JsonNode json, long changeLogPk) {
        if (json == null || !json.isObject()) {
            return Optional.empty();
        }
        try {
            EventKind kind = EventKind.valueOf(json.path("event_type").asText());
            JsonNode data = json.get("data");
            JsonNode before = json.get("before");
            return Optional.of(new ChangeEvent(
                    new Position(0, changeLogPk),
                    uuid(json.get("id")),
                    kind,
                    kind.name(),
                    text(json.get("entity_type")),
                    uuid(json.get("entity_id")),
                    data != null && data.isObject() ? (ObjectNode) data : JsonNodeFactory.instance.objectNode(),
                    before == null || before.isNull() ? null : before,
                    changes(json.get("changes")),
                    text(json.get("user_id")),
                    text(json.get("tenant_id")),
                    json.hasNonNull("timestamp") ? Instant.parse(json.get("timestamp").asText()) : Instant.EPOCH,
                    null,
                    text(json.get("trace_id")),
                    null,
                    null));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static Map<String, FieldChange> changes(JsonNode json) {
        if (json == null || !json.isObject()) {
            return null;
        }
        Map<String, FieldChange> changes = new LinkedHashMap<>();
        json.properties().forEach(e -> changes.put(e.getKey(), new FieldChange(e.getValue().get("old"),
                e.getValue().get("new"))));
        return changes;
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }

    private static UUID uuid(JsonNode node) {
        return node == null || node.isNull() ? null : UUID.fromString(node.asText());
    }
}

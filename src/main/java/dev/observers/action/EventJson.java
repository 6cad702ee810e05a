package dev.observers.action;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.observers.changelog.ChangeEvent;
import dev.observers.changelog.FieldChange;

import java.util.Map;
import java.util.UUID;

/**
 * The event as receivers see it: FraiseQL's serialized {@code EntityEvent} ({@code id},
 * {@code event_type}, {@code entity_type}, {@code entity_id}, {@code data}, {@code changes},
 * {@code user_id}, {@code tenant_id}, {@code timestamp}), plus {@code trace_id}, and {@code before}
 * when the row has a before image. Like serde's output, absent optional fields are JSON null, not
 * missing. It is the webhook's default body and the root that templates address.
 */
public final class EventJson {

    /** The one mapper the actions serialize with: compact output, no pretty printing. */
    static final JsonMapper MAPPER = JsonMapper.builder().build();

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private EventJson() {
    }

    /** The event as a JSON object. The tree shares the event's JSON nodes: read it, never modify it. */
    public static ObjectNode of(ChangeEvent event) {
        ObjectNode json = NODES.objectNode();
        json.put("id", uuid(event.id()));
        json.put("event_type", event.kind().name());
        json.put("entity_type", event.entityType());
        json.put("entity_id", uuid(event.entityId()));
        json.set("data", event.data() == null ? NODES.objectNode() : event.data());
        json.set("changes", changes(event.changes()));
        json.put("user_id", event.userId());
        json.put("tenant_id", event.tenantId());
        json.put("timestamp", event.timestamp() == null ? null : event.timestamp().toString());
        json.put("trace_id", event.traceId());
        if (event.before() != null && !event.before().isNull()) {
            json.set("before", event.before());
        }
        return json;
    }

    /** {@code json} as compact UTF-8 bytes: the exact bytes a webhook sends and signs. */
    public static byte[] bytes(JsonNode json) {
        try {
            return MAPPER.writeValueAsBytes(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree could not be serialized", e);
        }
    }

    /** {@code json} as compact text. */
    public static String text(JsonNode json) {
        try {
            return MAPPER.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree could not be serialized", e);
        }
    }

    private static JsonNode changes(Map<String, FieldChange> changes) {
        if (changes == null) {
            return NullNode.getInstance();
        }
        ObjectNode out = NODES.objectNode();
        changes.forEach((field, change) -> {
            ObjectNode pair = out.putObject(field);
            pair.set("old", orNull(change.before()));
            pair.set("new", orNull(change.after()));
        });
        return out;
    }

    private static JsonNode orNull(JsonNode node) {
        return node == null ? NullNode.getInstance() : node;
    }

    private static String uuid(UUID uuid) {
        return uuid == null ? null : uuid.toString();
    }
}

package dev.observers.changelog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns a stored row into an event the way FraiseQL does, or says why it cannot: an unknown
 * {@code modification_type} or JSON that is not an object is refused, never guessed at.
 */
public final class EventMapper {

    /** The outcome for one row. */
    public sealed interface Mapped {
    }

    public record Ok(ChangeEvent event) implements Mapped {
    }

    /** The row is not an event; it goes to the dead-letter table with this reason. */
    public record Refused(ChangeLogRow row, String reason) implements Mapped {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private EventMapper() {
    }

    public static Mapped map(ChangeLogRow row) {
        var kind = EventKind.ofModificationType(row.modificationType());
        if (kind.isEmpty()) {
            return new Refused(row, "unknown modification_type '" + row.modificationType()
                    + "' (expected INSERT, UPDATE, DELETE, CUSTOM, NOOP or READ)");
        }
        if (row.objectType() == null || row.objectType().isBlank()) {
            return new Refused(row, "object_type is empty");
        }
        JsonNode after;
        JsonNode before;
        JsonNode traceContext;
        JsonNode extra;
        JsonNode cascade;
        try {
            after = parse(row.objectData());
            before = parse(row.objectDataBefore());
            traceContext = parse(row.traceContext());
            extra = parse(row.extraMetadata());
            cascade = parse(row.cascade());
        } catch (JsonProcessingException e) {
            return new Refused(row, "unreadable JSON: " + e.getOriginalMessage());
        }
        JsonNode primary = kind.get() == EventKind.DELETE ? before : after;
        if (primary != null && !primary.isObject()) {
            return new Refused(row, (kind.get() == EventKind.DELETE ? "object_data_before" : "object_data")
                    + " must be a JSON object, got " + primary.getNodeType().name().toLowerCase());
        }
        ObjectNode data = primary == null ? JsonNodeFactory.instance.objectNode() : (ObjectNode) primary;
        Map<String, FieldChange> changes = kind.get() == EventKind.UPDATE ? diff(before, after) : null;
        return new Ok(new ChangeEvent(
                row.position(),
                row.id(),
                kind.get(),
                row.modificationType(),
                row.objectType(),
                row.objectId(),
                data,
                before,
                changes,
                row.fkContact() == null ? null : row.fkContact().toString(),
                row.tenantId() == null ? null : row.tenantId().toString(),
                row.createdAt() == null ? Instant.EPOCH : row.createdAt().toInstant(),
                row.updatedFields(),
                row.traceId(),
                traceContext,
                extra,
                cascade));
    }

    /**
     * Field-level diff of two images: changed and added keys of {@code after}, then keys only in
     * {@code before} (new value null). Null when there is no usable before image; empty when equal.
     */
    static Map<String, FieldChange> diff(JsonNode before, JsonNode after) {
        if (before == null || !before.isObject()) {
            return null;
        }
        Map<String, FieldChange> changes = new LinkedHashMap<>();
        JsonNode afterObject = after != null && after.isObject() ? after : JsonNodeFactory.instance.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = afterObject.fields(); it.hasNext(); ) {
            var field = it.next();
            JsonNode old = before.get(field.getKey());
            if (old == null) {
                changes.put(field.getKey(), new FieldChange(NullNode.instance, field.getValue()));
            } else if (!old.equals(field.getValue())) {
                changes.put(field.getKey(), new FieldChange(old, field.getValue()));
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = before.fields(); it.hasNext(); ) {
            var field = it.next();
            if (!afterObject.has(field.getKey())) {
                changes.put(field.getKey(), new FieldChange(field.getValue(), NullNode.instance));
            }
        }
        return changes;
    }

    private static JsonNode parse(String text) throws JsonProcessingException {
        return text == null ? null : JSON.readTree(text);
    }
}

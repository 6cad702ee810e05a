package dev.observers.observer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.observers.changelog.ChangeEvent;
import dev.observers.changelog.EventKind;
import dev.observers.changelog.FieldChange;
import dev.observers.checkpoint.Position;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/** Change events for tests, shaped as the change-log mapper shapes them. */
public final class TestEvents {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicLong PK = new AtomicLong();

    private TestEvents() {
    }

    public static ObjectNode json(String text) {
        try {
            return (ObjectNode) JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    public static ChangeEvent insert(String entity, String data) {
        return event(EventKind.INSERT, entity, json(data), null, null);
    }

    public static ChangeEvent insert(String entity, ObjectNode data) {
        return event(EventKind.INSERT, entity, data, null, null);
    }

    public static ChangeEvent custom(String entity, String data) {
        return event(EventKind.CUSTOM, entity, json(data), null, null);
    }

    /** A DELETE: its data is the before image. */
    public static ChangeEvent delete(String entity, String before) {
        return event(EventKind.DELETE, entity, json(before), json(before), null);
    }

    /** An UPDATE with a before image, and the field diff the mapper computes from it. */
    public static ChangeEvent update(String entity, String before, String after) {
        ObjectNode b = json(before);
        ObjectNode a = json(after);
        return event(EventKind.UPDATE, entity, a, b, diff(b, a));
    }

    /** An UPDATE with a before image but no precomputed diff. */
    public static ChangeEvent updateWithoutDiff(String entity, String before, String after) {
        return event(EventKind.UPDATE, entity, json(after), json(before), null);
    }

    /** An UPDATE logged without {@code object_data_before}. */
    public static ChangeEvent updateWithoutBefore(String entity, String after) {
        return event(EventKind.UPDATE, entity, json(after), null, null);
    }

    public static ChangeEvent event(EventKind kind, String entity, ObjectNode data, JsonNode before,
                                    Map<String, FieldChange> changes) {
        long pk = PK.incrementAndGet();
        return new ChangeEvent(new Position(1, pk), UUID.randomUUID(), kind, kind.name(), entity, UUID.randomUUID(),
                data, before, changes, null, null, Instant.EPOCH, List.of(), null, null, null);
    }

    private static Map<String, FieldChange> diff(ObjectNode before, ObjectNode after) {
        Set<String> names = new LinkedHashSet<>();
        before.fieldNames().forEachRemaining(names::add);
        after.fieldNames().forEachRemaining(names::add);
        Map<String, FieldChange> changes = new LinkedHashMap<>();
        for (String name : names) {
            JsonNode b = before.has(name) ? before.get(name) : NullNode.getInstance();
            JsonNode a = after.has(name) ? after.get(name) : NullNode.getInstance();
            if (!a.equals(b)) {
                changes.put(name, new FieldChange(b, a));
            }
        }
        return changes;
    }
}

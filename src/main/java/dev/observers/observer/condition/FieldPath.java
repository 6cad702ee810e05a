package dev.observers.observer.condition;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * The field a comparison reads from the event's data: one top-level key, as in FraiseQL, or a dotted
 * path into nested objects ({@code customer.tier}), which FraiseQL refuses to parse and so cannot
 * mean anything else there.
 */
public record FieldPath(List<String> segments) {

    public FieldPath {
        segments = List.copyOf(segments);
        if (segments.isEmpty()) {
            throw new IllegalArgumentException("a field path needs at least one segment");
        }
    }

    /** The path of a dotted name, {@code "customer.tier"} → [customer, tier]. */
    public static FieldPath parse(String dotted) {
        return new FieldPath(List.of(dotted.split("\\.", -1)));
    }

    /** The value at this path, or null when a segment is absent or its parent is not an object. */
    public JsonNode lookup(JsonNode data) {
        JsonNode node = data;
        for (String segment : segments) {
            if (node == null || !node.isObject()) {
                return null;
            }
            node = node.get(segment);
        }
        return node;
    }

    /** As written: {@code customer.tier}. */
    public String text() {
        return String.join(".", segments);
    }

    @Override
    public String toString() {
        return text();
    }
}

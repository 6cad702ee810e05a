package dev.observers.observer;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML or JSON value that remembers where it was written. Jackson's own trees forget positions, and
 * every problem report must name a line and column.
 */
sealed interface ConfigNode {

    /** Where the value starts; {@link Mark#NONE} for values that came from a database row. */
    Mark mark();

    /** A 1-based line and column in the source text. */
    record Mark(int line, int column) {
        static final Mark NONE = new Mark(0, 0);
    }

    /** A mapping, in source order. */
    record MapNode(Mark mark, Map<String, Member> members) implements ConfigNode {
        public MapNode {
            members = Collections.unmodifiableMap(new LinkedHashMap<>(members));
        }
    }

    /** A mapping's entry: the key's position (for unknown-field reports) and the value. */
    record Member(Mark keyMark, ConfigNode value) {
    }

    /** A sequence. */
    record ListNode(Mark mark, List<ConfigNode> items) implements ConfigNode {
        public ListNode {
            items = List.copyOf(items);
        }
    }

    /** A string, number, boolean or null, as Jackson read it. */
    record Scalar(Mark mark, JsonNode value) implements ConfigNode {
    }

    /** Whether this is an explicit null (which every optional field reads as absent). */
    default boolean isNull() {
        return this instanceof Scalar s && s.value().isNull();
    }

    /** What this is, for messages: "a list", "the number 5". */
    default String describe() {
        return switch (this) {
            case MapNode m -> "a map";
            case ListNode l -> "a list";
            case Scalar s when s.value().isTextual() -> "the text '" + s.value().textValue() + "'";
            case Scalar s when s.value().isNumber() -> "the number " + s.value();
            case Scalar s when s.value().isBoolean() -> s.value() + " (a boolean)";
            case Scalar s when s.value().isNull() -> "null";
            case Scalar s -> s.value().toString();
        };
    }

    /** A tree without positions, from JSON read out of the database. */
    static ConfigNode of(JsonNode json) {
        if (json.isObject()) {
            Map<String, Member> members = new LinkedHashMap<>();
            json.properties().forEach(e -> members.put(e.getKey(), new Member(Mark.NONE, of(e.getValue()))));
            return new MapNode(Mark.NONE, members);
        }
        if (json.isArray()) {
            List<ConfigNode> items = new ArrayList<>();
            json.forEach(item -> items.add(of(item)));
            return new ListNode(Mark.NONE, items);
        }
        return new Scalar(Mark.NONE, json);
    }
}

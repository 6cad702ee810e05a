package dev.observers.observer;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.observers.lookup.LookupDefinition;
import dev.observers.lookup.LookupParser;
import dev.observers.lookup.LookupProblem;
import dev.observers.observer.ConfigNode.ListNode;
import dev.observers.observer.ConfigNode.MapNode;
import dev.observers.observer.ConfigNode.Member;
import dev.observers.observer.ConfigNode.Scalar;

import java.util.List;

/**
 * Reads a definition's {@code lookups:} block with {@link LookupParser} and reports its problems at
 * their line and column, like every other field of the file.
 */
final class LookupsReader {

    private LookupsReader() {
    }

    /** The lookups written at {@code node}; problems go to {@code diagnostics}, located in {@code source}. */
    static List<LookupDefinition> read(ConfigNode node, String path, String source, Diagnostics diagnostics) {
        LookupParser.Parsed parsed = LookupParser.parse(json(node), path);
        for (LookupProblem problem : parsed.problems()) {
            diagnostics.error(source, at(node, problem.at()).mark(), problem.path(), problem.message());
        }
        return parsed.lookups();
    }

    private static JsonNode json(ConfigNode node) {
        return switch (node) {
            case MapNode map -> {
                ObjectNode object = JsonNodeFactory.instance.objectNode();
                map.members().forEach((key, member) -> object.set(key, json(member.value())));
                yield object;
            }
            case ListNode list -> {
                ArrayNode array = JsonNodeFactory.instance.arrayNode();
                list.items().forEach(item -> array.add(json(item)));
                yield array;
            }
            case Scalar scalar -> scalar.value();
        };
    }

    /** The node {@code pointer} addresses, or the deepest one on its way that exists. */
    private static ConfigNode at(ConfigNode node, JsonPointer pointer) {
        ConfigNode current = node;
        for (JsonPointer rest = pointer; !rest.matches(); rest = rest.tail()) {
            ConfigNode next = switch (current) {
                case MapNode map -> {
                    Member member = map.members().get(rest.getMatchingProperty());
                    yield member == null ? null : member.value();
                }
                case ListNode list -> rest.getMatchingIndex() >= 0 && rest.getMatchingIndex() < list.items().size()
                        ? list.items().get(rest.getMatchingIndex()) : null;
                case Scalar scalar -> null;
            };
            if (next == null) {
                return current;
            }
            current = next;
        }
        return current;
    }
}

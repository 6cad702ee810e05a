package dev.observers.action;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.observers.changelog.ChangeEvent;

import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the email and publish actions make of an event: the event as JSON (FraiseQL's EntityEvent
 * shape) and {@code {{ dotted.path }}} templates over that JSON. Both are plain functions, so an
 * action never knows how its text is produced.
 */
final class Rendering {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_$-]+(?:\\.[A-Za-z0-9_$-]+)*)\\s*}}");

    private Rendering() {
    }

    /** The event as compact JSON. */
    static Function<ChangeEvent, String> eventJson() {
        return event -> tree(event).toString();
    }

    /**
     * {@code text} with each {@code {{ path }}} replaced by the value at that dotted path of the event's
     * JSON ({@code data.author.name}, {@code entity_type}, {@code data.tags.0}): strings as they are,
     * other values as JSON, missing values and null as nothing.
     */
    static Function<ChangeEvent, String> template(String text) {
        if (!PLACEHOLDER.matcher(text).find()) {
            return event -> text;
        }
        return event -> {
            ObjectNode root = tree(event);
            Matcher m = PLACEHOLDER.matcher(text);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(out, Matcher.quoteReplacement(show(at(root, m.group(1)))));
            }
            return m.appendTail(out).toString();
        };
    }

    /** The event as FraiseQL serialises it (id, event_type, entity_type, entity_id, data, changes, …, timestamp). */
    static ObjectNode tree(ChangeEvent event) {
        JsonNodeFactory json = JsonNodeFactory.instance;
        ObjectNode node = json.objectNode();
        node.put("id", event.id() == null ? null : event.id().toString());
        node.put("event_type", event.kind().name());
        node.put("entity_type", event.entityType());
        node.put("entity_id", event.entityId() == null ? null : event.entityId().toString());
        node.set("data", event.data() == null ? json.objectNode() : event.data());
        if (event.changes() == null) {
            node.putNull("changes");
        } else {
            ObjectNode changes = node.putObject("changes");
            event.changes().forEach((field, change) -> {
                ObjectNode c = changes.putObject(field);
                c.set("old", change.before() == null ? json.nullNode() : change.before());
                c.set("new", change.after() == null ? json.nullNode() : change.after());
            });
        }
        node.put("user_id", event.userId());
        node.put("tenant_id", event.tenantId());
        node.put("timestamp", event.timestamp() == null ? null : event.timestamp().toString());
        return node;
    }

    private static JsonNode at(JsonNode root, String path) {
        JsonNode node = root;
        for (String step : path.split("\\.")) {
            if (node.isArray() && step.chars().allMatch(Character::isDigit) && step.length() < 10) {
                node = node.path(Integer.parseInt(step));
            } else {
                node = node.path(step);
            }
        }
        return node;
    }

    private static String show(JsonNode value) {
        if (value.isMissingNode() || value.isNull()) {
            return "";
        }
        return value.isTextual() ? value.textValue() : value.toString();
    }
}

package dev.observers.search;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.observers.action.EventJson;
import dev.observers.changelog.ChangeEvent;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * An event as Elasticsearch stores it, apart from any I/O: the event JSON observers see (FraiseQL's
 * field names) plus its log position, raw modification type, updated fields and metadata; its
 * {@code _id} is the event's id and its index the UTC day of its {@code created_at}, so indexing it
 * again — a replay, a retry, another daemon — always lands on the same document.
 */
public record SearchDocument(String index, String id, ObjectNode source) {

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy.MM.dd").withZone(ZoneOffset.UTC);

    public static SearchDocument of(String prefix, ChangeEvent event) {
        // EventJson's tree shares the event's own nodes: the document adds its fields beside them, never into them.
        ObjectNode source = EventJson.of(event);
        source.put("pk", event.pk());
        source.put("modification_type", event.modificationType());
        if (event.updatedFields() != null) {
            ArrayNode fields = source.putArray("updated_fields");
            event.updatedFields().forEach(fields::add);
        }
        if (event.extraMetadata() != null && !event.extraMetadata().isNull()) {
            source.set("extra_metadata", event.extraMetadata());
        }
        return new SearchDocument(index(prefix, event.timestamp()), event.id().toString(), source);
    }

    /** The daily index of an event written at {@code createdAt}: {@code <prefix>-yyyy.MM.dd}, UTC. */
    public static String index(String prefix, Instant createdAt) {
        return prefix + "-" + DAY.format(createdAt == null ? Instant.EPOCH : createdAt);
    }
}

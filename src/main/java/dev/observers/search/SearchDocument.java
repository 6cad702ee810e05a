package dev.observers.search;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.observers.changelog.ChangeEvent;
import dev.observers.changelog.FieldChange;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.UUID;

/**
 * An event as Elasticsearch stores it, apart from any I/O: the event JSON observers see (FraiseQL's
 * field names, as {@code EventJson} builds it) plus its log position, raw modification type, updated
 * fields and metadata; its {@code _id} is the event's id and its index the UTC day of its
 * {@code created_at}, so indexing it again — a replay, a retry, another daemon — always lands on the
 * same document. The source is written straight to bytes, once, without building a tree per event.
 */
public record SearchDocument(String index, String id, byte[] source) {

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy.MM.dd").withZone(ZoneOffset.UTC);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    public static SearchDocument of(String prefix, ChangeEvent event) {
        return new SearchDocument(index(prefix, event.timestamp()), event.id().toString(), source(event));
    }

    /** The daily index of an event written at {@code createdAt}: {@code <prefix>-yyyy.MM.dd}, UTC. */
    public static String index(String prefix, Instant createdAt) {
        return prefix + "-" + DAY.format(createdAt == null ? Instant.EPOCH : createdAt);
    }

    private static byte[] source(ChangeEvent event) {
        ByteArrayBuilder out = new ByteArrayBuilder(512);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("id", uuid(event.id()));
            json.writeStringField("event_type", event.kind().name());
            json.writeStringField("entity_type", event.entityType());
            json.writeStringField("entity_id", uuid(event.entityId()));
            json.writeFieldName("data");
            if (event.data() == null) {
                json.writeStartObject();
                json.writeEndObject();
            } else {
                json.writeTree(event.data());
            }
            json.writeFieldName("changes");
            changes(json, event.changes());
            json.writeStringField("user_id", event.userId());
            json.writeStringField("tenant_id", event.tenantId());
            json.writeStringField("timestamp", event.timestamp() == null ? null : event.timestamp().toString());
            json.writeStringField("trace_id", event.traceId());
            if (present(event.before())) {
                json.writeFieldName("before");
                json.writeTree(event.before());
            }
            json.writeNumberField("pk", event.pk());
            json.writeStringField("modification_type", event.modificationType());
            if (event.updatedFields() != null) {
                json.writeArrayFieldStart("updated_fields");
                for (String field : event.updatedFields()) {
                    json.writeString(field);
                }
                json.writeEndArray();
            }
            if (present(event.extraMetadata())) {
                json.writeFieldName("extra_metadata");
                json.writeTree(event.extraMetadata());
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialize the document of event " + event.id(), e);
        }
        return out.toByteArray();
    }

    private static void changes(JsonGenerator json, Map<String, FieldChange> changes) throws IOException {
        if (changes == null) {
            json.writeNull();
            return;
        }
        json.writeStartObject();
        for (Map.Entry<String, FieldChange> change : changes.entrySet()) {
            json.writeObjectFieldStart(change.getKey());
            json.writeFieldName("old");
            tree(json, change.getValue().before());
            json.writeFieldName("new");
            tree(json, change.getValue().after());
            json.writeEndObject();
        }
        json.writeEndObject();
    }

    private static void tree(JsonGenerator json, JsonNode node) throws IOException {
        if (node == null) {
            json.writeNull();
        } else {
            json.writeTree(node);
        }
    }

    private static boolean present(JsonNode node) {
        return node != null && !node.isNull();
    }

    private static String uuid(UUID uuid) {
        return uuid == null ? null : uuid.toString();
    }
}

package dev.observers.changelog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.observers.checkpoint.Position;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A committed change, as observers see it (FraiseQL's EntityEvent). {@code data} is the after image,
 * or for a DELETE the before image ({@code {}} when the row had none). {@code changes} is set only for
 * an UPDATE that carries a before image; it is empty, not null, when nothing differs.
 *
 * @param position      where the row sits in the log (txid, pk)
 * @param id            the change-log row's uuid: the idempotency key receivers see
 * @param kind          INSERT, UPDATE, DELETE or CUSTOM
 * @param modificationType the raw {@code modification_type} (CUSTOM covers NOOP and READ)
 * @param entityType    {@code object_type}
 * @param entityId      {@code object_id}, may be null
 * @param data          after image (before image for DELETE), never null
 * @param before        {@code object_data_before}, null when absent
 * @param changes       field-level diff for UPDATE with a before image, else null
 * @param userId        {@code fk_contact} as text, may be null
 * @param tenantId      {@code tenant_id} as text, may be null
 * @param timestamp     {@code created_at}
 * @param cascade       FraiseQL's mutation cascade ({@code updated}/{@code deleted} entities), null when absent
 */
public record ChangeEvent(
        Position position,
        UUID id,
        EventKind kind,
        String modificationType,
        String entityType,
        UUID entityId,
        ObjectNode data,
        JsonNode before,
        Map<String, FieldChange> changes,
        String userId,
        String tenantId,
        Instant timestamp,
        List<String> updatedFields,
        String traceId,
        JsonNode traceContext,
        JsonNode extraMetadata,
        JsonNode cascade) {

    /** An event without FraiseQL's mutation cascade. */
    public ChangeEvent(Position position, UUID id, EventKind kind, String modificationType, String entityType,
                       UUID entityId, ObjectNode data, JsonNode before, Map<String, FieldChange> changes, String userId,
                       String tenantId, Instant timestamp, List<String> updatedFields, String traceId,
                       JsonNode traceContext, JsonNode extraMetadata) {
        this(position, id, kind, modificationType, entityType, entityId, data, before, changes, userId, tenantId,
                timestamp, updatedFields, traceId, traceContext, extraMetadata, null);
    }

    /** The change-log row's primary key. */
    public long pk() {
        return position.pk();
    }

    /** The ordering key: events of one entity are handled one at a time, in log order. */
    public EntityKey entityKey() {
        return new EntityKey(entityType, entityId);
    }

    /** One entity: its type and id (null for events without an object_id, which then share one key per type). */
    public record EntityKey(String type, UUID id) {
    }
}

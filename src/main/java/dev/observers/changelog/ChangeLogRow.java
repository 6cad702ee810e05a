package dev.observers.changelog;

import dev.observers.checkpoint.Position;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * One row of {@code core.tb_entity_change_log} as stored, JSON columns as text. Turning it into an
 * event (and refusing rows that cannot be one) is the mapper's job, not the reader's.
 */
public record ChangeLogRow(
        Position position,
        UUID id,
        OffsetDateTime createdAt,
        UUID tenantId,
        Long fkCustomerOrg,
        Long fkContact,
        String objectType,
        UUID objectId,
        String modificationType,
        String objectData,
        String objectDataBefore,
        List<String> updatedFields,
        String cascade,
        String traceId,
        String traceContext,
        String changeStatus,
        String extraMetadata) {
}

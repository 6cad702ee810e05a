package dev.observers.dispatch;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;

/**
 * A dead letter as the table holds it, with its id and state: what {@code observers dlq} lists,
 * shows and retries.
 *
 * @param observer    null for an unreadable row
 * @param actionIndex null unless one action failed
 * @param event       the event as the daemon serialized it (the raw row for an unreadable row)
 * @param status      {@code pending}, {@code retrying} or {@code resolved}
 */
public record StoredDeadLetter(long id, String listenerId, String observer, Integer actionIndex, String actionType,
                               long changeLogPk, UUID eventId, String objectType, UUID objectId, JsonNode event,
                               String error, String errorKind, int attempts, String status,
                               OffsetDateTime firstFailedAt, OffsetDateTime lastFailedAt,
                               Optional<OffsetDateTime> resolvedAt) {

    public static final String ACTION_FAILED = "action_failed";
    public static final String CONDITION_ERROR = "condition_error";
    public static final String UNREADABLE_ROW = "unreadable_row";

    /** The error kind of an event whose search document Elasticsearch refused for good. */
    public static final String INDEX_REJECTED = "index_rejected";

    /** The error kind of an event whose projection refresh kept failing (a view that cannot be computed). */
    public static final String REFRESH_FAILED = "refresh_failed";

    public boolean resolved() {
        return "resolved".equals(status);
    }
}

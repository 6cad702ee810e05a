package dev.observers.dispatch;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.UUID;

/**
 * Something that could not be done and must not be forgotten: an action whose retries ran out, an
 * observer whose condition could not be evaluated, or a change-log row that is not an event.
 *
 * @param observer    null for an unreadable row
 * @param actionIndex null unless one action failed
 * @param errorKind   {@code action_failed}, {@code condition_error} or {@code unreadable_row}
 */
public record DeadLetter(String listenerId, long changeLogPk, UUID eventId, String objectType, UUID objectId,
                         String observer, Integer actionIndex, String actionType, JsonNode event, String error,
                         String errorKind, int attempts) {
}

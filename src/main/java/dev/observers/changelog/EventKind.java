package dev.observers.changelog;

import java.util.Locale;
import java.util.Optional;

/**
 * What happened to the entity. FraiseQL's mapping of {@code modification_type}: INSERT, UPDATE,
 * DELETE, and CUSTOM for CUSTOM, NOOP and READ. Anything else is not an event.
 */
public enum EventKind {
    INSERT, UPDATE, DELETE, CUSTOM;

    /** The kind for a {@code modification_type} value (case-insensitive), or empty when unknown. */
    public static Optional<EventKind> ofModificationType(String modificationType) {
        if (modificationType == null) {
            return Optional.empty();
        }
        return switch (modificationType.strip().toUpperCase(Locale.ROOT)) {
            case "INSERT" -> Optional.of(INSERT);
            case "UPDATE" -> Optional.of(UPDATE);
            case "DELETE" -> Optional.of(DELETE);
            case "CUSTOM", "NOOP", "READ" -> Optional.of(CUSTOM);
            default -> Optional.empty();
        };
    }
}

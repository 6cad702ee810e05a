package dev.observers.changelog;

import com.fasterxml.jackson.databind.JsonNode;

/** One top-level field's value before and after an UPDATE; a missing side is JSON null. */
public record FieldChange(JsonNode before, JsonNode after) {
}

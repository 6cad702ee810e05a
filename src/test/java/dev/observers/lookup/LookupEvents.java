package dev.observers.lookup;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.observers.changelog.ChangeEvent;
import dev.observers.changelog.EventKind;
import dev.observers.checkpoint.Position;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Change events for lookup tests: a blog post whose data names its author and city. */
final class LookupEvents {

    static final UUID POST_ID = UUID.fromString("7d1c3c4e-2a9b-4f7e-8c6d-5e4f3a2b1c0d");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private LookupEvents() {
    }

    /** An INSERT of a Post with {@code dataJson} as its data and a fresh event id. */
    static ChangeEvent post(String dataJson) {
        try {
            ObjectNode data = (ObjectNode) JSON.readTree(dataJson);
            return new ChangeEvent(new Position(900, 42), UUID.randomUUID(), EventKind.INSERT, "INSERT", "Post",
                    POST_ID, data, null, null, "17", "acme", Instant.parse("2026-11-24T09:15:30Z"), List.of(), null,
                    null, null);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }
}

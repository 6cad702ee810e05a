package dev.observers.action;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.observers.changelog.ChangeEvent;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StoredEventTest {

    @Test
    void rebuildsTheEventThatEventJsonStoredSoItSerializesTheSameAgain() {
        ChangeEvent original = Events.postUpdate("{\"title\": \"Hi\", \"status\": \"published\"}");
        ObjectNode stored = EventJson.of(original);

        ChangeEvent rebuilt = StoredEvent.parse(Events.parse(stored.toString()), 42).orElseThrow();

        assertThat(EventJson.of(rebuilt)).isEqualTo(stored);
        assertThat(rebuilt.pk()).isEqualTo(42);
        assertThat(rebuilt.id()).isEqualTo(original.id());
        assertThat(rebuilt.changes()).isEqualTo(original.changes());
        assertThat(rebuilt.entityKey()).isEqualTo(original.entityKey());
    }

    @Test
    void anInsertWithoutOptionalsRoundTrips() {
        ObjectNode stored = EventJson.of(Events.insert("{\"n\": 1}"));
        ChangeEvent rebuilt = StoredEvent.parse(stored, 43).orElseThrow();
        assertThat(rebuilt.changes()).isNull();
        assertThat(rebuilt.before()).isNull();
        assertThat(EventJson.of(rebuilt)).isEqualTo(stored);
    }

    @Test
    void whatIsNotAStoredEventIsRefused() {
        assertThat(StoredEvent.parse(Events.parse("{\"pk\": 1, \"modification_type\": \"MERGE\"}"), 1)).isEmpty();
        assertThat(StoredEvent.parse(Events.parse("[1]"), 1)).isEmpty();
        assertThat(StoredEvent.parse(null, 1)).isEmpty();
    }
}

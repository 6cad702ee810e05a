package dev.observers.cli;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TimeArgTest {

    private static final Instant NOW = Instant.parse("2025-03-10T12:00:00Z");
    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

    private static Instant parse(String text) {
        return TimeArg.parse(text, NOW, PARIS);
    }

    @Test
    void readsTimestampsDatesSpansAgoAndNow() {
        assertThat(parse("2025-03-01T12:00:00Z")).isEqualTo("2025-03-01T12:00:00Z");
        assertThat(parse("2025-03-01T13:00+01:00")).isEqualTo("2025-03-01T12:00:00Z");
        assertThat(parse("2025-03-01T13:00")).as("local time").isEqualTo("2025-03-01T12:00:00Z");
        assertThat(parse("2025-03-01")).as("local midnight").isEqualTo("2025-02-28T23:00:00Z");
        assertThat(parse("90s")).isEqualTo("2025-03-10T11:58:30Z");
        assertThat(parse("15m")).isEqualTo("2025-03-10T11:45:00Z");
        assertThat(parse("6h")).isEqualTo("2025-03-10T06:00:00Z");
        assertThat(parse(" 7d ")).isEqualTo("2025-03-03T12:00:00Z");
        assertThat(parse("now")).isEqualTo(NOW);
    }

    @Test
    void anythingElseIsRefusedNamingTheForms() {
        assertThatThrownBy(() -> parse("yesterday")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'yesterday' is not a time").hasMessageContaining("7d");
        assertThatThrownBy(() -> parse("2025-13-01")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> parse("5w")).isInstanceOf(IllegalArgumentException.class);
    }
}

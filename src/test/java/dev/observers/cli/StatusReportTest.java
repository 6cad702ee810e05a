package dev.observers.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.observers.checkpoint.ListenerLag;
import dev.observers.checkpoint.Position;
import dev.observers.dispatch.DeadLetterTable;
import dev.observers.retention.Horizon;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class StatusReportTest {

    private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");

    private static final ListenerLag BEHIND = new ListenerLag("observer:notify#0/4", new Position(812, 4000), 1_000_000, true,
            Duration.ofMinutes(75), Optional.of(OffsetDateTime.of(2025, 3, 1, 11, 59, 30, 0, ZoneOffset.UTC)),
            Optional.of("observers@1@host#ab"), Optional.of("connection refused"), Optional.of("observers@1@host#ab"));

    private static final ListenerLag NEVER = new ListenerLag("observer:notify#1/4", Position.START, 12, false,
            Duration.ofSeconds(9), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

    private static final List<DeadLetterTable.Count> DLQ = List.of(
            new DeadLetterTable.Count("notify", "action_failed", 3),
            new DeadLetterTable.Count(null, "unreadable_row", 1));

    @Test
    void theTableShowsBoundedLagAgeLastErrorAndDeadLettersByObserver() {
        String text = new StatusReport(List.of(BEHIND, NEVER), DLQ, NOW).text();
        assertThat(text).contains("observer:notify#0/4", "observers@1@host#ab", "(812, 4000)", "> 1,000,000", "1 h 15 min ago", "30 s ago",
                "connection refused");
        assertThat(text).contains("none yet (reads from the start)", "never", "12", "9 s ago");
        assertThat(text).containsPattern("notify\\s+action_failed\\s+3");
        assertThat(text).containsPattern("\\(unreadable row\\)\\s+unreadable_row\\s+1");
        assertThat(text).containsPattern("total\\s+4");
    }

    private static final Horizon HORIZON = new Horizon(1_234_567, 523_000_000,
            Optional.of(new Horizon.OldestRow(17, Optional.of(OffsetDateTime.of(2025, 1, 30, 12, 0, 0, 0, ZoneOffset.UTC)))),
            Optional.of(new Horizon.Cursor("observer:notify#0/4", new Position(812, 4000),
                    Optional.of(OffsetDateTime.of(2025, 2, 27, 12, 0, 0, 0, ZoneOffset.UTC)))));

    @Test
    void theChangeLogSectionShowsItsOldestRowAndTheCursorHoldingRetentionBack() throws Exception {
        String text = new StatusReport(List.of(BEHIND), List.of(), NOW, Optional.of(Duration.ofDays(30)),
                Optional.of(HORIZON)).text();
        assertThat(text).contains("change log: ~1,234,567 rows, 523 MB; oldest row pk 17, written 2025-01-30T12:00:00Z (30 d ago)",
                "retention: rows older than 30d", "held back by the slowest cursor observer:notify#0/4 at (812, 4000), moved 2 d ago");

        String off = new StatusReport(List.of(BEHIND), List.of(), NOW, Optional.empty(), Optional.of(HORIZON)).text();
        assertThat(off).contains("retention: off, every row is kept (OBSERVERS_CHANGELOG_RETENTION unset)");

        JsonNode log = new ObjectMapper().readTree(new StatusReport(List.of(BEHIND), List.of(), NOW,
                Optional.of(Duration.ofDays(30)), Optional.of(HORIZON)).json()).get("change_log");
        assertThat(log.get("retention").asText()).isEqualTo("30d");
        assertThat(log.get("oldest_row").get("pk").asLong()).isEqualTo(17);
        assertThat(log.get("slowest_cursor").get("listener").asText()).isEqualTo("observer:notify#0/4");
    }

    @Test
    void noCursorYetIsSaidInWords() {
        assertThat(new StatusReport(List.of(), List.of(), NOW).text()).contains("subscriptions: none has run yet",
                "dead letters: none unresolved");
    }

    @Test
    void noDeadLettersIsSaidInWords() {
        assertThat(new StatusReport(List.of(NEVER), List.of(), NOW).text()).contains("dead letters: none unresolved");
    }

    @Test
    void jsonCarriesTheSameFigures() throws Exception {
        JsonNode json = new ObjectMapper().readTree(new StatusReport(List.of(BEHIND, NEVER), DLQ, NOW).json());
        JsonNode first = json.get("listeners").get(0);
        assertThat(first.get("listener").asText()).isEqualTo("observer:notify#0/4");
        assertThat(first.get("claimed_by").asText()).isEqualTo("observers@1@host#ab");
        assertThat(json.get("listeners").get(1).get("claimed_by").isNull()).isTrue();
        assertThat(first.get("checkpoint").get("pk").asLong()).isEqualTo(4000);
        assertThat(first.get("events_behind").asLong()).isEqualTo(1_000_000);
        assertThat(first.get("events_behind_capped").asBoolean()).isTrue();
        assertThat(first.get("lag_seconds").asDouble()).isEqualTo(4500.0);
        assertThat(first.get("last_error").asText()).isEqualTo("connection refused");
        assertThat(json.get("listeners").get(1).get("saved").asBoolean()).isFalse();
        assertThat(json.get("listeners").get(1).get("updated_at").isNull()).isTrue();
        assertThat(json.get("dead_letters").get("unresolved").asLong()).isEqualTo(4);
        assertThat(json.get("dead_letters").get("by_observer").get(1).get("observer").isNull()).isTrue();
    }
}

package dev.observers.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.observers.checkpoint.LagReader;
import dev.observers.checkpoint.ListenerLag;
import dev.observers.config.EnvNames;
import dev.observers.dispatch.DeadLetterTable;
import dev.observers.retention.Horizon;
import dev.observers.retention.RetentionPeriod;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * What {@code observers status} prints, from figures already read: a table for people and the same
 * figures as JSON for scripts. No I/O, so the wording is tested without a database.
 */
record StatusReport(List<ListenerLag> listeners, List<DeadLetterTable.Count> deadLetters, Instant now,
                    Optional<Duration> retention, Optional<Horizon> horizon) {

    private static final ObjectMapper JSON = new ObjectMapper();

    StatusReport(List<ListenerLag> listeners, List<DeadLetterTable.Count> deadLetters, Instant now) {
        this(listeners, deadLetters, now, Optional.empty(), Optional.empty());
    }

    long deadLetterTotal() {
        return deadLetters.stream().mapToLong(DeadLetterTable.Count::count).sum();
    }

    String text() {
        if (listeners.isEmpty()) {
            return "subscriptions: none has run yet (each observer gets its cursors when a daemon first runs it)\n"
                    + deadLetterText() + changeLogText();
        }
        TextTable table = new TextTable("CURSOR", "CLAIMED BY", "CHECKPOINT (TXID, PK)", "BEHIND", "OLDEST UNPROCESSED",
                "UPDATED", "LAST ERROR");
        for (ListenerLag l : listeners) {
            table.row(l.listenerId(), l.owner().orElse("-"),
                    l.saved() ? l.checkpoint().toString() : "none yet (reads from the start)",
                    behind(l),
                    l.eventsBehind() == 0 ? "-" : Human.duration(l.age()) + " ago",
                    l.updatedAt().map(t -> t.toInstant().truncatedTo(ChronoUnit.SECONDS) + " ("
                            + Human.duration(Duration.between(t.toInstant(), now)) + " ago)").orElse("never"),
                    l.lastError().orElse("-"));
        }
        return table + "\n" + deadLetterText() + changeLogText();
    }

    /** The change log's size, its oldest row, the retention in force and the cursor that holds it back. */
    private String changeLogText() {
        if (horizon.isEmpty()) {
            return "";
        }
        Horizon h = horizon.get();
        StringBuilder sb = new StringBuilder("change log: ").append(h.estimatedRows() < 0 ? "rows not counted yet (never analyzed)"
                : "~" + Human.count(h.estimatedRows()) + " rows").append(", ").append(Human.bytes(h.bytes()));
        h.oldest().ifPresentOrElse(o -> sb.append("; oldest row pk ").append(o.pk())
                        .append(o.createdAt().map(t -> ", written " + t.toInstant().truncatedTo(ChronoUnit.SECONDS) + " ("
                                + Human.duration(Duration.between(t.toInstant(), now)) + " ago)").orElse("")),
                () -> sb.append("; empty"));
        sb.append('\n');
        if (retention.isEmpty()) {
            return sb.append("retention: off, every row is kept (").append(EnvNames.of("observers.changelog.retention"))
                    .append(" unset)\n").toString();
        }
        sb.append("retention: rows older than ").append(RetentionPeriod.format(retention.get()))
                .append(" that every cursor has passed and no unresolved dead letter names");
        h.slowest().ifPresentOrElse(c -> sb.append("; held back by the slowest cursor ").append(c.listenerId())
                        .append(" at ").append(c.position())
                        .append(c.movedAt().map(t -> ", moved " + Human.duration(Duration.between(t.toInstant(), now))
                                + " ago").orElse("")),
                () -> sb.append("; no cursor yet, so nothing is deleted"));
        return sb.append('\n').toString();
    }

    private String deadLetterText() {
        StringBuilder sb = new StringBuilder();
        if (deadLetters.isEmpty()) {
            return sb.append("dead letters: none unresolved\n").toString();
        }
        TextTable dlq = new TextTable("OBSERVER", "ERROR KIND", "UNRESOLVED");
        deadLetters.forEach(c -> dlq.row(c.observer() == null ? "(unreadable row)" : c.observer(), c.errorKind(),
                Human.count(c.count())));
        dlq.row("total", "", Human.count(deadLetterTotal()));
        return sb.append("dead letters (not resolved):\n").append(dlq).toString();
    }

    String json() {
        ObjectNode root = JSON.createObjectNode();
        root.put("at", now.toString());
        ArrayNode ls = root.putArray("listeners");
        for (ListenerLag l : listeners) {
            ObjectNode o = ls.addObject();
            o.put("listener", l.listenerId());
            o.put("claimed_by", l.owner().orElse(null));
            o.put("saved", l.saved());
            o.putObject("checkpoint").put("txid", Long.toUnsignedString(l.checkpoint().txid()))
                    .put("pk", l.checkpoint().pk());
            o.put("events_behind", l.eventsBehind());
            o.put("events_behind_capped", l.capped());
            o.put("lag_seconds", l.age().toMillis() / 1000.0);
            o.put("updated_at", l.updatedAt().map(t -> t.toInstant().toString()).orElse(null));
            o.put("updated_by", l.updatedBy().orElse(null));
            o.put("last_error", l.lastError().orElse(null));
        }
        ObjectNode dlq = root.putObject("dead_letters");
        dlq.put("unresolved", deadLetterTotal());
        ArrayNode by = dlq.putArray("by_observer");
        deadLetters.forEach(c -> by.addObject().put("observer", c.observer()).put("error_kind", c.errorKind())
                .put("count", c.count()));
        horizon.ifPresent(h -> {
            ObjectNode log = root.putObject("change_log");
            log.put("estimated_rows", h.estimatedRows());
            log.put("bytes", h.bytes());
            h.oldest().ifPresent(o -> log.putObject("oldest_row").put("pk", o.pk())
                    .put("created_at", o.createdAt().map(t -> t.toInstant().toString()).orElse(null)));
            log.put("retention", retention.map(RetentionPeriod::format).orElse(null));
            h.slowest().ifPresent(c -> log.putObject("slowest_cursor").put("listener", c.listenerId())
                    .put("txid", Long.toUnsignedString(c.position().txid())).put("pk", c.position().pk())
                    .put("moved_at", c.movedAt().map(t -> t.toInstant().toString()).orElse(null)));
        });
        return root.toPrettyString() + "\n";
    }

    private static String behind(ListenerLag l) {
        return l.capped() ? "> " + Human.count(LagReader.COUNT_LIMIT) : Human.count(l.eventsBehind());
    }
}

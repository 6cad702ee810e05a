package dev.observers.cli;

import dev.observers.dispatch.StoredDeadLetter;

import java.time.temporal.ChronoUnit;
import java.util.List;

/** How {@code observers dlq} shows dead letters: one line each in a list, every field for one. */
final class DeadLetterView {

    private static final int ERROR_WIDTH = 70;

    private DeadLetterView() {
    }

    static String table(List<StoredDeadLetter> items) {
        TextTable table = new TextTable("ID", "OBSERVER", "ACTION", "ROW", "KIND", "ATTEMPTS", "LAST FAILED", "ERROR");
        for (StoredDeadLetter d : items) {
            table.row(d.id(), d.observer() == null ? "(unreadable row)" : d.observer(), action(d), d.changeLogPk(),
                    d.errorKind(), d.attempts(), d.lastFailedAt().toInstant().truncatedTo(ChronoUnit.SECONDS),
                    shorten(d.error()));
        }
        return table.toString();
    }

    static String detail(StoredDeadLetter d) {
        StringBuilder sb = new StringBuilder();
        line(sb, "id", d.id());
        line(sb, "status", d.status());
        line(sb, "listener", d.listenerId());
        line(sb, "observer", d.observer());
        line(sb, "action", action(d));
        line(sb, "change-log row", d.changeLogPk());
        line(sb, "event id", d.eventId());
        line(sb, "entity", d.objectType() + (d.objectId() == null ? "" : " " + d.objectId()));
        line(sb, "error kind", d.errorKind());
        line(sb, "error", d.error());
        line(sb, "attempts", d.attempts());
        line(sb, "first failed", d.firstFailedAt().toInstant());
        line(sb, "last failed", d.lastFailedAt().toInstant());
        line(sb, "resolved", d.resolvedAt().map(t -> t.toInstant().toString()).orElse("-"));
        sb.append("event:\n").append(d.event() == null ? "null" : d.event().toPrettyString()).append('\n');
        return sb.toString();
    }

    /** {@code 0 (webhook)}, or {@code all} for an observer whose condition failed before any action ran. */
    static String action(StoredDeadLetter d) {
        if (d.actionIndex() == null) {
            return d.observer() == null ? "-" : "all";
        }
        return d.actionIndex() + (d.actionType() == null ? "" : " (" + d.actionType() + ")");
    }

    private static void line(StringBuilder sb, String name, Object value) {
        sb.append(String.format("%-16s%s%n", name + ":", value == null ? "-" : value));
    }

    private static String shorten(String text) {
        String one = text.replaceAll("\\s+", " ");
        return one.length() <= ERROR_WIDTH ? one : one.substring(0, ERROR_WIDTH - 1) + "…";
    }
}

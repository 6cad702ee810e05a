package dev.observers.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Locale;

/**
 * {@link MetricsSummary} for a terminal — a small dashboard with the guide's healthy thresholds
 * marked — and as JSON with the same figures.
 */
final class MetricsView {

    private static final ObjectMapper JSON = new ObjectMapper();

    private MetricsView() {
    }

    static String text(MetricsSummary m, String url) {
        StringBuilder sb = new StringBuilder();
        sb.append("observers metrics from ").append(url).append(String.format(Locale.ROOT, " (rates over %.1f s)%n%n",
                m.windowSeconds()));
        sb.append(String.format(Locale.ROOT, "throughput       %s events/s, %s actions/s%n", rate(m.eventsPerSecond()),
                rate(m.actionsPerSecond())));
        sb.append(String.format(Locale.ROOT, "events processed %s%n", count(m.eventsProcessed())));
        sb.append(String.format(Locale.ROOT, "actions          %s attempts, %s failed%s%n", count(m.actionsExecuted()),
                count(m.actionsFailed()), m.failureRate() == null ? ""
                        : " (" + percent(m.failureRate()) + ")  " + mark(m.failureRate() < MetricsSummary.FAILURE_RATE_MAX,
                        "failure rate < 5 %")));
        if (!m.actions().isEmpty()) {
            sb.append('\n');
            TextTable table = new TextTable("ACTION", "ATTEMPTS", "FAILED", "FAIL %", "P50", "P95", "P99", "");
            for (MetricsSummary.Action a : m.actions()) {
                table.row(a.type(), count(a.executed()), count(a.failed()),
                        a.failureRate() == null ? "-" : percent(a.failureRate()), seconds(a.p50()), seconds(a.p95()),
                        seconds(a.p99()), a.p99() == null ? "" : mark(a.p99() < MetricsSummary.P99_MAX_SECONDS, "p99 < 2 s")
                                + basis(a.latencyBasis()));
            }
            sb.append(table);
        }
        sb.append('\n');
        if (m.cache() == null) {
            sb.append("cache            no cache lookups reported\n");
        } else {
            sb.append(String.format(Locale.ROOT, "cache            %s hits, %s misses%s%n", count(m.cache().hits()),
                    count(m.cache().misses()), m.cache().hitRate() == null ? ""
                            : ", hit rate " + percent(m.cache().hitRate()) + "  "
                            + mark(m.cache().hitRate() > MetricsSummary.HIT_RATE_MIN, "hit rate > 70 %")));
        }
        sb.append(String.format(Locale.ROOT, "dedup skipped    %s actions already done%n", count(m.dedupSkipped())));
        sb.append(String.format(Locale.ROOT, "dead letters     %s unresolved, %s written since start%n",
                m.dlqItems() == null ? "?" : count(m.dlqItems()), count(m.dlqWritten())));
        if (!m.listeners().isEmpty()) {
            sb.append('\n');
            TextTable table = new TextTable("SUBSCRIPTION", "CLAIMS HERE", "STATE", "IN FLIGHT", "LAG EVENTS", "LAG");
            for (MetricsSummary.Listener l : m.listeners()) {
                table.row(l.listener(), l.claims() == null ? "-" : count(l.claims()),
                        l.waitingSeconds() != null && l.waitingSeconds() > 0
                                ? String.format(Locale.ROOT, "waiting on breaker %.0f s", l.waitingSeconds())
                                : l.claims() != null && l.claims() == 0 ? "held elsewhere" : "running",
                        l.inFlight() == null ? "-" : count(l.inFlight()),
                        l.lagEvents() == null ? "-" : count(l.lagEvents()),
                        l.lagSeconds() == null ? "-" : String.format(Locale.ROOT, "%.1f s", l.lagSeconds()));
            }
            sb.append(table);
        }
        return sb.toString();
    }

    static String json(MetricsSummary m, String url) {
        ObjectNode root = JSON.createObjectNode();
        root.put("url", url);
        root.put("window_seconds", m.windowSeconds());
        root.put("events_processed", (long) m.eventsProcessed());
        root.put("events_per_second", m.eventsPerSecond());
        ObjectNode actions = root.putObject("actions");
        actions.put("executed", (long) m.actionsExecuted());
        actions.put("failed", (long) m.actionsFailed());
        actions.put("per_second", m.actionsPerSecond());
        actions.put("failure_rate", m.failureRate());
        ArrayNode byType = actions.putArray("by_type");
        for (MetricsSummary.Action a : m.actions()) {
            byType.addObject().put("action_type", a.type()).put("executed", (long) a.executed())
                    .put("failed", (long) a.failed()).put("failure_rate", a.failureRate()).put("p50_seconds", a.p50())
                    .put("p95_seconds", a.p95()).put("p99_seconds", a.p99()).put("latency_basis", a.latencyBasis());
        }
        if (m.cache() == null) {
            root.putNull("cache");
        } else {
            root.putObject("cache").put("hits", (long) m.cache().hits()).put("misses", (long) m.cache().misses())
                    .put("hit_rate", m.cache().hitRate());
        }
        root.put("dedup_skipped", (long) m.dedupSkipped());
        ArrayNode listeners = root.putArray("listeners");
        for (MetricsSummary.Listener l : m.listeners()) {
            listeners.addObject().put("listener", l.listener()).put("claims", l.claims()).put("in_flight", l.inFlight())
                    .put("lag_events", l.lagEvents()).put("lag_seconds", l.lagSeconds())
                    .put("waiting_on_breaker_seconds", l.waitingSeconds());
        }
        ObjectNode dlq = root.putObject("dead_letters");
        dlq.put("unresolved", m.dlqItems() == null ? null : m.dlqItems().longValue());
        dlq.put("written", (long) m.dlqWritten());
        ObjectNode checks = root.putObject("healthy");
        m.checks().forEach(checks::put);
        return root.toPrettyString() + "\n";
    }

    private static String mark(boolean healthy, String threshold) {
        return (healthy ? "ok" : "UNHEALTHY") + " (" + threshold + ")";
    }

    private static String basis(String basis) {
        return switch (basis) {
            case "since_start" -> ", latency since start";
            case "published" -> ", latency as published";
            default -> "";
        };
    }

    private static String count(double n) {
        return Human.count(Math.round(n));
    }

    private static String rate(double perSecond) {
        return String.format(Locale.ROOT, "%.1f", perSecond);
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.1f %%", share * 100);
    }

    private static String seconds(Double s) {
        if (s == null) {
            return "-";
        }
        return s < 1 ? String.format(Locale.ROOT, "%.1f ms", s * 1000) : String.format(Locale.ROOT, "%.2f s", s);
    }
}

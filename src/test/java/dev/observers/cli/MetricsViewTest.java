package dev.observers.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MetricsViewTest {

    private static final MetricsSummary SUMMARY = new MetricsSummary(1.0, 1500, 120.5, 1600, 160, 130, List.of(
            new MetricsSummary.Action("webhook", 1500, 150, 0.004, 0.9, 2.5, "window"),
            new MetricsSummary.Action("log", 100, 10, 0.0001, 0.0002, 0.0003, "since_start")),
            new MetricsSummary.Cache(60, 40, 0.6), 12, List.of(
                    new MetricsSummary.Listener("observer:a", 4.0, 5.0, 42.0, 3.2, 0.0),
                    new MetricsSummary.Listener("observer:b", 2.0, 2000.0, 9000.0, 61.0, 75.0)),
            2.0, 3);

    @Test
    void theDashboardMarksEachThresholdHealthyOrNot() {
        String text = MetricsView.text(SUMMARY, "http://127.0.0.1:9464/q/metrics");
        assertThat(text).contains("http://127.0.0.1:9464/q/metrics", "120.5 events/s", "130.0 actions/s", "1,500",
                "160 failed (10.0 %)  UNHEALTHY (failure rate < 5 %)",
                "hit rate 60.0 %  UNHEALTHY (hit rate > 70 %)",
                "12 actions already done", "2 unresolved, 3 written since start");
        assertThat(text).containsPattern("webhook\\s+1,500\\s+150\\s+10.0 %\\s+4.0 ms\\s+900.0 ms\\s+2.50 s\\s+UNHEALTHY \\(p99 < 2 s\\)");
        assertThat(text).containsPattern("log\\s+100.*0.3 ms\\s+ok \\(p99 < 2 s\\), latency since start");
        assertThat(text).containsPattern("observer:a\\s+4\\s+running\\s+5\\s+42\\s+3.2 s");
        assertThat(text).containsPattern("observer:b\\s+2\\s+waiting on breaker 75 s\\s+2,000\\s+9,000\\s+61.0 s");
    }

    @Test
    void jsonCarriesTheSameFiguresAndTheChecks() throws Exception {
        JsonNode json = new ObjectMapper().readTree(MetricsView.json(SUMMARY, "http://x/q/metrics"));
        assertThat(json.get("events_processed").asLong()).isEqualTo(1500);
        assertThat(json.get("events_per_second").asDouble()).isEqualTo(120.5);
        assertThat(json.get("actions").get("failed").asLong()).isEqualTo(160);
        assertThat(json.get("actions").get("failure_rate").asDouble()).isEqualTo(0.1);
        assertThat(json.get("actions").get("by_type").get(0).get("p99_seconds").asDouble()).isEqualTo(2.5);
        assertThat(json.get("cache").get("hit_rate").asDouble()).isEqualTo(0.6);
        assertThat(json.get("listeners").get(0).get("lag_events").asDouble()).isEqualTo(42.0);
        assertThat(json.get("dead_letters").get("unresolved").asLong()).isEqualTo(2);
        assertThat(json.get("healthy").get("p99_below_2_seconds").asBoolean()).isFalse();
        assertThat(json.get("healthy").get("cache_hit_rate_above_70_percent").asBoolean()).isFalse();
    }

    @Test
    void noCacheAndNoActionsAreSaidPlainly() {
        MetricsSummary idle = new MetricsSummary(1.0, 0, 0, 0, 0, 0, List.of(), null, 0, List.of(), null, 0);
        assertThat(MetricsView.text(idle, "u")).contains("no cache lookups reported", "? unresolved")
                .doesNotContain("UNHEALTHY", "ACTION");
        assertThat(MetricsView.json(idle, "u")).contains("\"cache\" : null", "\"failure_rate\" : null");
    }
}

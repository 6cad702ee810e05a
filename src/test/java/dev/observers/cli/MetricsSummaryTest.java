package dev.observers.cli;

import org.junit.jupiter.api.Test;

import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class MetricsSummaryTest {

    private static TreeMap<Double, Double> buckets(double... boundAndCount) {
        TreeMap<Double, Double> b = new TreeMap<>();
        for (int i = 0; i < boundAndCount.length; i += 2) {
            b.put(boundAndCount[i], boundAndCount[i + 1]);
        }
        return b;
    }

    @Test
    void histogramQuantileInterpolatesWithinTheBucketLikePrometheus() {
        var b = buckets(0.1, 50, 0.2, 90, 0.5, 100, Double.POSITIVE_INFINITY, 100);
        assertThat(MetricsSummary.histogramQuantile(0.5, b)).isCloseTo(0.1, within(1e-9));
        assertThat(MetricsSummary.histogramQuantile(0.25, b)).isCloseTo(0.05, within(1e-9));
        assertThat(MetricsSummary.histogramQuantile(0.7, b)).isCloseTo(0.15, within(1e-9));
        assertThat(MetricsSummary.histogramQuantile(0.95, b)).isCloseTo(0.35, within(1e-9));
        assertThat(MetricsSummary.histogramQuantile(0.99, b)).isCloseTo(0.47, within(1e-9));
    }

    @Test
    void aRankInTheInfiniteBucketIsTheLargestFiniteBoundAndNoDataIsNoAnswer() {
        assertThat(MetricsSummary.histogramQuantile(0.99, buckets(1, 5, Double.POSITIVE_INFINITY, 10))).isEqualTo(1.0);
        assertThat(MetricsSummary.histogramQuantile(0.5, buckets(1, 0, Double.POSITIVE_INFINITY, 0))).isNaN();
        assertThat(MetricsSummary.histogramQuantile(0.5, new TreeMap<>())).isNaN();
    }

    @Test
    void anInfinityBucketAheadOfTheSnapshotIsSkewNotSlowAttemptsWhenTheMaxFits() {
        String before = """
                observer_actions_executed_total{action_type="log"} 100.0
                observer_action_duration_seconds_bucket{action_type="log",le="0.001"} 90.0
                observer_action_duration_seconds_bucket{action_type="log",le="60.0"} 100.0
                observer_action_duration_seconds_bucket{action_type="log",le="+Inf"} 100.0
                observer_action_duration_seconds_count{action_type="log"} 100.0
                """;
        String after = """
                observer_actions_executed_total{action_type="log"} 200.0
                observer_action_duration_seconds_bucket{action_type="log",le="0.001"} 180.0
                observer_action_duration_seconds_bucket{action_type="log",le="60.0"} 190.0
                observer_action_duration_seconds_bucket{action_type="log",le="+Inf"} 200.0
                observer_action_duration_seconds_count{action_type="log"} 200.0
                observer_action_duration_seconds_max{action_type="log"} 0.07
                """;
        MetricsSummary.Action log = MetricsSummary.of(PrometheusText.parse(before), PrometheusText.parse(after), 1.0)
                .actions().getFirst();
        assertThat(log.p99()).as("not the 60 s bound").isLessThan(60.0);
        assertThat(log.p50()).isLessThanOrEqualTo(0.001);

        MetricsSummary.Action slow = MetricsSummary.of(PrometheusText.parse(before),
                PrometheusText.parse(after.replace("} 0.07", "} 75.0")), 1.0).actions().getFirst();
        assertThat(slow.p99()).as("really slower than every bound").isEqualTo(60.0);
    }

    private static final String BEFORE = """
            observer_events_processed_total{listener="observer:a"} 100.0
            observer_events_processed_total{listener="observer:b"} 40.0
            observer_actions_executed_total{action_type="webhook"} 80.0
            observer_actions_executed_total{action_type="log"} 20.0
            observer_actions_failed_total{action_type="webhook",error_type="http_5xx"} 2.0
            observer_action_duration_seconds_bucket{action_type="webhook",le="0.01"} 40.0
            observer_action_duration_seconds_bucket{action_type="webhook",le="0.1"} 78.0
            observer_action_duration_seconds_bucket{action_type="webhook",le="1.0"} 80.0
            observer_action_duration_seconds_bucket{action_type="webhook",le="+Inf"} 80.0
            observer_action_duration_seconds_count{action_type="webhook"} 80.0
            observer_action_duration_seconds{action_type="log",quantile="0.5"} 0.001
            observer_action_duration_seconds{action_type="log",quantile="0.95"} 0.002
            observer_action_duration_seconds{action_type="log",quantile="0.99"} 0.003
            """;

    private static final String AFTER = """
            observer_events_processed_total{listener="observer:a"} 150.0
            observer_events_processed_total{listener="observer:b"} 60.0
            observer_subscription_claims{listener="observer:a"} 4.0
            observer_subscription_claims{listener="observer:b"} 2.0
            observer_subscription_waiting_seconds{listener="observer:b"} 30.0
            observer_actions_executed_total{action_type="webhook"} 130.0
            observer_actions_executed_total{action_type="log"} 20.0
            observer_actions_failed_total{action_type="webhook",error_type="http_5xx"} 12.0
            observer_action_duration_seconds_bucket{action_type="webhook",le="0.01"} 40.0
            observer_action_duration_seconds_bucket{action_type="webhook",le="0.1"} 78.0
            observer_action_duration_seconds_bucket{action_type="webhook",le="1.0"} 80.0
            observer_action_duration_seconds_bucket{action_type="webhook",le="+Inf"} 130.0
            observer_action_duration_seconds_count{action_type="webhook"} 130.0
            observer_action_duration_seconds{action_type="log",quantile="0.5"} 0.001
            observer_action_duration_seconds{action_type="log",quantile="0.95"} 0.002
            observer_action_duration_seconds{action_type="log",quantile="0.99"} 0.003
            observer_dedup_skipped_total 7.0
            observer_listener_in_flight{listener="observer:a"} 3.0
            observer_checkpoint_lag_events{listener="observer:a"} 42.0
            observer_checkpoint_lag_seconds{listener="observer:a"} 1.5
            observer_dlq_items 4.0
            observer_dlq_written_total 6.0
            """;

    @Test
    void ratesComeFromTheWindowAndTotalsFromTheLaterScrape() {
        MetricsSummary m = MetricsSummary.of(PrometheusText.parse(BEFORE), PrometheusText.parse(AFTER), 2.0);
        assertThat(m.eventsProcessed()).isEqualTo(150);
        assertThat(m.eventsPerSecond()).isEqualTo(25.0);
        assertThat(m.actionsPerSecond()).isEqualTo(25.0);
        assertThat(m.actionsExecuted()).isEqualTo(150);
        assertThat(m.actionsFailed()).isEqualTo(12);
        assertThat(m.failureRate()).isCloseTo(0.08, within(1e-9));
        assertThat(m.dedupSkipped()).isEqualTo(7);
        assertThat(m.dlqItems()).isEqualTo(4.0);
        assertThat(m.dlqWritten()).isEqualTo(6);
        assertThat(m.cache()).isNull();
        assertThat(m.listeners()).containsExactly(
                new MetricsSummary.Listener("observer:a", 4.0, 3.0, 42.0, 1.5, null),
                new MetricsSummary.Listener("observer:b", 2.0, null, null, null, 30.0));
    }

    @Test
    void latencyComesFromTheWindowsBucketsOrWhatIsPublished() {
        MetricsSummary m = MetricsSummary.of(PrometheusText.parse(BEFORE), PrometheusText.parse(AFTER), 2.0);
        MetricsSummary.Action log = m.actions().get(0);
        MetricsSummary.Action webhook = m.actions().get(1);
        assertThat(webhook.type()).isEqualTo("webhook");
        assertThat(webhook.latencyBasis()).isEqualTo("window");
        assertThat(webhook.p50()).as("all 50 attempts of the window were slower than 1 s").isEqualTo(1.0);
        assertThat(webhook.failureRate()).isCloseTo(12 / 130.0, within(1e-9));
        assertThat(log.latencyBasis()).isEqualTo("published");
        assertThat(log.p99()).isEqualTo(0.003);

        MetricsSummary idle = MetricsSummary.of(PrometheusText.parse(AFTER), PrometheusText.parse(AFTER), 1.0);
        assertThat(idle.actions().get(1).latencyBasis()).isEqualTo("since_start");
        assertThat(idle.actions().get(1).p50()).isCloseTo(0.01 + 0.09 * (65 - 40) / 38.0, within(1e-9));
        assertThat(idle.eventsPerSecond()).isZero();
    }

    @Test
    void theGuideThresholdsAreJudgedOnlyWhenThereIsSomethingToJudge() {
        MetricsSummary m = MetricsSummary.of(PrometheusText.parse(BEFORE), PrometheusText.parse(AFTER + """
                observer_cache_hits_total 90.0
                observer_cache_misses_total 10.0
                """), 2.0);
        assertThat(m.cache().hitRate()).isCloseTo(0.9, within(1e-9));
        assertThat(m.checks()).containsEntry("failure_rate_below_5_percent", false)
                .containsEntry("p99_below_2_seconds", true)
                .containsEntry("cache_hit_rate_above_70_percent", true);

        MetricsSummary empty = MetricsSummary.of(PrometheusText.parse(""), PrometheusText.parse(""), 1.0);
        assertThat(empty.checks()).containsEntry("failure_rate_below_5_percent", null)
                .containsEntry("p99_below_2_seconds", null).containsEntry("cache_hit_rate_above_70_percent", null);
    }
}

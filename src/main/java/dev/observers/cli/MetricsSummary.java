package dev.observers.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The figures {@code observers metrics} shows, computed from two scrapes of the daemon taken a window
 * apart: rates from the difference, totals and gauges from the later one. Latency percentiles come
 * from the histogram buckets of the window when actions ran in it, else from all buckets since start,
 * else from the percentiles the daemon publishes. Absent figures are null (no cache actions, say).
 */
record MetricsSummary(double windowSeconds, double eventsProcessed, double eventsPerSecond, double actionsExecuted,
                      double actionsFailed, double actionsPerSecond, List<Action> actions, Cache cache, double dedupSkipped, List<Listener> listeners, Double dlqItems, double dlqWritten) {

    /** FraiseQL's guide: a healthy cache hits more often than this. */
    static final double HIT_RATE_MIN = 0.70;
    /** FraiseQL's guide: a healthy system fails fewer action attempts than this share. */
    static final double FAILURE_RATE_MAX = 0.05;
    /** FraiseQL's guide: a healthy action's p99 stays under this many seconds. */
    static final double P99_MAX_SECONDS = 2.0;

    static final String DURATION = "observer_action_duration_seconds";

    /**
     * One action type: attempts, failures and latency percentiles in seconds (null when unknown).
     *
     * @param latencyBasis {@code window}, {@code since_start}, {@code published} or {@code none}
     */
    record Action(String type, double executed, double failed, Double p50, Double p95, Double p99, String latencyBasis) {
        Double failureRate() {
            return executed == 0 ? null : failed / executed;
        }
    }

    record Cache(double hits, double misses, Double hitRate) {
    }

    /** One subscription as one daemon serves it: claims held there, in flight, lag, time waiting on a breaker. */
    record Listener(String listener, Double claims, Double inFlight, Double lagEvents, Double lagSeconds,
                    Double waitingSeconds) {
    }

    static MetricsSummary of(PrometheusText before, PrometheusText after, double windowSeconds) {
        // Every subscription counts each event it completes; the furthest one says how many the daemon got through.
        double events = after.max("observer_events_processed_total");
        double executed = after.sum("observer_actions_executed_total");
        List<Action> actions = new ArrayList<>();
        for (String type : labelValues(after, "observer_actions_executed_total", "action_type")) {
            String basis = latencyBasis(before, after, type);
            double[] q = switch (basis) {
                case "window" -> bucketQuantiles(before, after, type);
                case "since_start" -> bucketQuantiles(null, after, type);
                case "published" -> publishedQuantiles(after, type);
                default -> new double[] {Double.NaN, Double.NaN, Double.NaN};
            };
            actions.add(new Action(type, after.sum("observer_actions_executed_total", s -> type.equals(s.label("action_type"))),
                    after.sum("observer_actions_failed_total", s -> type.equals(s.label("action_type"))),
                    orNull(q[0]), orNull(q[1]), orNull(q[2]), basis));
        }
        List<Listener> listeners = new ArrayList<>();
        for (String id : labelValues(after, "observer_events_processed_total", "listener")) {
            listeners.add(new Listener(id, gauge(after, "observer_subscription_claims", id),
                    gauge(after, "observer_listener_in_flight", id), gauge(after, "observer_checkpoint_lag_events", id),
                    gauge(after, "observer_checkpoint_lag_seconds", id),
                    gauge(after, "observer_subscription_waiting_seconds", id)));
        }
        return new MetricsSummary(windowSeconds, events, rate(before.max("observer_events_processed_total"), events,
                windowSeconds), executed, after.sum("observer_actions_failed_total"),
                rate(before.sum("observer_actions_executed_total"), executed, windowSeconds), List.copyOf(actions),
                cache(after), after.sum("observer_dedup_skipped_total"), List.copyOf(listeners),
                after.has("observer_dlq_items") ? orNull(after.sum("observer_dlq_items")) : null,
                after.sum("observer_dlq_written_total"));
    }

    /** Failed attempts over all attempts since start; null before any ran. */
    Double failureRate() {
        return actionsExecuted == 0 ? null : actionsFailed / actionsExecuted;
    }

    /** The slowest p99 over action types; null when none is known. */
    Double worstP99() {
        return actions.stream().map(Action::p99).filter(p -> p != null).max(Double::compare).orElse(null);
    }

    /** Each guide threshold: true when met, false when not, null when there is nothing to judge. */
    Map<String, Boolean> checks() {
        Map<String, Boolean> checks = new TreeMap<>();
        checks.put("failure_rate_below_5_percent", failureRate() == null ? null : failureRate() < FAILURE_RATE_MAX);
        checks.put("p99_below_2_seconds", worstP99() == null ? null : worstP99() < P99_MAX_SECONDS);
        checks.put("cache_hit_rate_above_70_percent",
                cache == null || cache.hitRate() == null ? null : cache.hitRate() > HIT_RATE_MIN);
        return checks;
    }

    /**
     * The {@code q} quantile of a cumulative histogram as Prometheus' histogram_quantile computes it:
     * linear within the bucket the rank falls in; the largest finite bound when it falls in +Inf.
     *
     * @param buckets upper bound → cumulative count, +Inf included
     */
    static double histogramQuantile(double q, TreeMap<Double, Double> buckets) {
        if (buckets.isEmpty()) {
            return Double.NaN;
        }
        double total = buckets.lastEntry().getValue();
        if (total <= 0) {
            return Double.NaN;
        }
        double rank = q * total;
        double lowerBound = 0;
        double lowerCount = 0;
        for (var b : buckets.entrySet()) {
            if (b.getValue() >= rank) {
                if (b.getKey().isInfinite()) {
                    return lowerBound;
                }
                double inBucket = b.getValue() - lowerCount;
                return inBucket <= 0 ? b.getKey() : lowerBound + (b.getKey() - lowerBound) * (rank - lowerCount) / inBucket;
            }
            lowerBound = b.getKey();
            lowerCount = b.getValue();
        }
        return lowerBound;
    }

    private static String latencyBasis(PrometheusText before, PrometheusText after, String type) {
        if (after.series(DURATION + "_bucket").stream().anyMatch(s -> type.equals(s.label("action_type")))) {
            return after.sum(DURATION + "_count", s -> type.equals(s.label("action_type")))
                    > before.sum(DURATION + "_count", s -> type.equals(s.label("action_type"))) ? "window" : "since_start";
        }
        return after.series(DURATION).stream().anyMatch(s -> type.equals(s.label("action_type")) && s.label("quantile") != null)
                ? "published" : "none";
    }

    private static double[] bucketQuantiles(PrometheusText before, PrometheusText after, String type) {
        TreeMap<Double, Double> buckets = new TreeMap<>();
        for (var s : after.series(DURATION + "_bucket")) {
            if (type.equals(s.label("action_type")) && s.label("le") != null) {
                buckets.merge(bound(s.label("le")), s.value(), Double::sum);
            }
        }
        if (before != null) {
            for (var s : before.series(DURATION + "_bucket")) {
                if (type.equals(s.label("action_type")) && s.label("le") != null) {
                    buckets.computeIfPresent(bound(s.label("le")), (k, v) -> v - s.value());
                }
            }
        }
        clampInfinity(buckets, after.series(DURATION + "_max").stream().filter(s -> type.equals(s.label("action_type")))
                .mapToDouble(PrometheusText.Sample::value).findFirst());
        return new double[] {histogramQuantile(0.5, buckets), histogramQuantile(0.95, buckets),
                histogramQuantile(0.99, buckets)};
    }

    /**
     * Micrometer serves the +Inf bucket from the live count and the others from a snapshot, so under
     * load +Inf runs ahead of them. When the largest recent attempt fits the finite buckets, the
     * difference is that skew, not slow attempts, and +Inf is set back to the last finite bucket.
     */
    static void clampInfinity(TreeMap<Double, Double> buckets, OptionalDouble max) {
        var finite = buckets.lowerEntry(Double.POSITIVE_INFINITY);
        if (max.isPresent() && finite != null && buckets.containsKey(Double.POSITIVE_INFINITY)
                && max.getAsDouble() <= finite.getKey()) {
            buckets.put(Double.POSITIVE_INFINITY, finite.getValue());
        }
    }

    private static double[] publishedQuantiles(PrometheusText after, String type) {
        double[] q = {Double.NaN, Double.NaN, Double.NaN};
        for (var s : after.series(DURATION)) {
            if (type.equals(s.label("action_type")) && s.label("quantile") != null) {
                switch (s.label("quantile")) {
                    case "0.5" -> q[0] = s.value();
                    case "0.95" -> q[1] = s.value();
                    case "0.99" -> q[2] = s.value();
                    default -> {
                    }
                }
            }
        }
        return q;
    }

    private static Cache cache(PrometheusText after) {
        boolean counters = after.has("observer_cache_hits_total") || after.has("observer_cache_misses_total");
        if (!counters && !after.has("observer_cache_hit_rate")) {
            return null;
        }
        double hits = after.sum("observer_cache_hits_total");
        double misses = after.sum("observer_cache_misses_total");
        Double rate = hits + misses > 0 ? hits / (hits + misses)
                : after.has("observer_cache_hit_rate") ? orNull(after.sum("observer_cache_hit_rate")) : null;
        return new Cache(hits, misses, rate);
    }

    private static Double gauge(PrometheusText after, String name, String listener) {
        return after.series(name).stream().filter(s -> listener.equals(s.label("listener"))).findFirst()
                .map(s -> orNull(s.value())).orElse(null);
    }

    private static TreeSet<String> labelValues(PrometheusText text, String name, String label) {
        TreeSet<String> values = new TreeSet<>();
        text.series(name).forEach(s -> {
            if (s.label(label) != null) {
                values.add(s.label(label));
            }
        });
        return values;
    }

    private static double bound(String le) {
        return le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
    }

    private static double rate(double before, double after, double seconds) {
        return seconds <= 0 ? 0 : Math.max(0, after - before) / seconds;
    }

    private static Double orNull(double value) {
        return Double.isNaN(value) ? null : value;
    }
}

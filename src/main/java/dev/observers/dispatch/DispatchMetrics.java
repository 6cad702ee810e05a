package dev.observers.dispatch;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The dispatch meters, under the names of FraiseQL's performance guide that users already alert
 * on. Labels are bounded: action type and error type only, never ids or URLs.
 */
public final class DispatchMetrics {

    private final MeterRegistry registry;
    private final Map<String, Counter> executed = new ConcurrentHashMap<>();
    private final Map<String, Counter> failed = new ConcurrentHashMap<>();
    private final Map<String, Timer> durations = new ConcurrentHashMap<>();
    private final Counter deadLettered;
    private final Counter alerts;
    private final Timer untilStart;
    private final Timer untilDone;

    public DispatchMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.deadLettered = Counter.builder("observer_dlq_written_total")
                .description("Items written to the dead-letter table").register(registry);
        this.alerts = Counter.builder("observer_alerts_total")
                .description("Failures of observers with on_failure: alert").register(registry);
        this.untilStart = delay("start", "From the change-log row's created_at to its event's actions starting");
        this.untilDone = delay("done", "From the change-log row's created_at to its event being complete");
    }

    private Timer delay(String stage, String description) {
        return Timer.builder("observer_event_delay_seconds").description(description).tag("stage", stage)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(100_000)).maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry);
    }

    /** An event's actions start now; {@code createdAt} is its row's (null when the row has none). */
    void started(Instant createdAt) {
        record(untilStart, createdAt);
    }

    /** An event is complete now. */
    void done(Instant createdAt) {
        record(untilDone, createdAt);
    }

    private static void record(Timer timer, Instant createdAt) {
        if (createdAt != null) {
            long nanos = Duration.between(createdAt, Instant.now()).toNanos();
            timer.record(Math.max(0, nanos), TimeUnit.NANOSECONDS);
        }
    }

    /**
     * One attempt finished: counted as executed, and as failed with its error type when it failed. The
     * duration is a histogram only: quantiles come from its buckets (histogram_quantile, and the metrics
     * command), since client-side percentiles cost three windowed histograms per attempt on the hot path.
     */
    void attempt(String actionType, Duration took, String errorType) {
        executed.computeIfAbsent(actionType, t -> Counter.builder("observer_actions_executed_total")
                .description("Action attempts run").tag("action_type", t).register(registry)).increment();
        durations.computeIfAbsent(actionType, t -> Timer.builder("observer_action_duration_seconds")
                .description("Duration of one action attempt").tag("action_type", t)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry)).record(took);
        if (errorType != null) {
            failed.computeIfAbsent(actionType + "\u0000" + errorType, k -> Counter.builder("observer_actions_failed_total")
                    .description("Action attempts that failed").tag("action_type", actionType)
                    .tag("error_type", errorType).register(registry)).increment();
        }
    }

    void deadLettered() {
        deadLettered.increment();
    }

    void alert() {
        alerts.increment();
    }
}

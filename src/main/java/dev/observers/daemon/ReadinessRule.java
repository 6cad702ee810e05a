package dev.observers.daemon;

import dev.observers.checkpoint.ListenerLag;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The readiness rule, apart from its I/O: ready when PostgreSQL answers and every listener's thread
 * runs. A checkpoint lag over the limit is reported in the data and fails readiness only when asked
 * to, since a backlog after an outage is work in progress, not a broken daemon.
 */
public record ReadinessRule(boolean up, Map<String, Object> data) {

    /** What readiness knows about one listener. */
    public record ListenerState(String id, boolean running, Optional<String> lastError, Optional<ListenerLag> lag) {
    }

    /**
     * @param database empty when PostgreSQL answered, else what went wrong
     */
    public static ReadinessRule judge(Optional<String> database, List<ListenerState> listeners, long maxLagSeconds,
                                  boolean failOnLag) {
        Map<String, Object> data = new LinkedHashMap<>();
        boolean up = database.isEmpty();
        data.put("postgresql", database.orElse("up"));
        if (listeners.isEmpty()) {
            data.put("listeners", "not started");
            up = false;
        }
        for (ListenerState l : listeners) {
            String key = "listener." + l.id();
            data.put(key, l.running() ? "running" : "stopped");
            up &= l.running();
            l.lastError().ifPresent(e -> data.put(key + ".last_error", e));
            if (l.lag().isPresent()) {
                ListenerLag lag = l.lag().get();
                long seconds = lag.age().toSeconds();
                data.put(key + ".lag_events", lag.eventsBehind());
                data.put(key + ".lag_seconds", seconds);
                if (seconds > maxLagSeconds) {
                    data.put(key + ".lagging", "behind by more than " + maxLagSeconds
                            + " s (OBSERVERS_READY_MAX_LAG_SECONDS)");
                    up &= !failOnLag;
                }
            }
        }
        return new ReadinessRule(up, Collections.unmodifiableMap(data));
    }
}

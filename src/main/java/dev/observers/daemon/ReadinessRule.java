package dev.observers.daemon;

import dev.observers.checkpoint.ListenerLag;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The readiness rule, apart from its I/O: ready when PostgreSQL answers and the daemon reads the log.
 * Each subscription's state, claims here and lag are reported in the data; a lag over the limit fails
 * readiness only when asked to, since a backlog after an outage (or a subscription waiting on a dead
 * sink) is work in progress, not a broken daemon.
 */
public record ReadinessRule(boolean up, Map<String, Object> data) {

    /**
     * What readiness knows about one subscription.
     *
     * @param state  its state here ("running", "waiting on breaker"...), or who else holds it
     * @param claims how many of its partitions this daemon holds
     */
    public record ListenerState(String id, boolean running, String state, int claims, Optional<String> lastError,
                                Optional<ListenerLag> lag) {
    }

    /**
     * @param database empty when PostgreSQL answered, else what went wrong
     * @param started  whether the daemon has started reading
     */
    public static ReadinessRule judge(Optional<String> database, boolean started, List<ListenerState> listeners,
                                      long maxLagSeconds, boolean failOnLag) {
        Map<String, Object> data = new LinkedHashMap<>();
        boolean up = database.isEmpty() && started;
        data.put("postgresql", database.orElse("up"));
        if (!started) {
            data.put("listeners", "not started");
        } else if (listeners.isEmpty()) {
            data.put("listeners", "none: no observer is defined");
        }
        for (ListenerState l : listeners) {
            String key = "listener." + l.id();
            data.put(key, l.running() ? l.state() : "stopped");
            data.put(key + ".claims", (long) l.claims());
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

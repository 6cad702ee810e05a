package dev.observers.daemon;

import dev.observers.checkpoint.LagReader;
import dev.observers.checkpoint.ListenerLag;
import dev.observers.dispatch.DeadLetterTable;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How far each listener's checkpoint trails the change log and how many dead letters wait, read from
 * the database every period (the same bounded query as {@code observers status}) and served as
 * gauges: {@code observer_checkpoint_lag_events{listener}}, {@code observer_checkpoint_lag_seconds{listener}},
 * {@code observer_dlq_items}. Readiness reads the same figures. A failed read keeps the last values
 * and is logged once until reads succeed again.
 */
public final class BacklogGauges implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(BacklogGauges.class);

    private final LagReader lag;
    private final DeadLetterTable deadLetters;
    private final List<String> listeners;
    private final Duration period;
    private final Map<String, ListenerLag> latest = new ConcurrentHashMap<>();
    private volatile double dlqItems = Double.NaN;
    private volatile boolean failing;
    private volatile Thread thread;

    public BacklogGauges(LagReader lag, DeadLetterTable deadLetters, List<String> listeners, MeterRegistry registry,
                         Duration period) {
        this.lag = lag;
        this.deadLetters = deadLetters;
        this.listeners = List.copyOf(listeners);
        this.period = period;
        for (String id : this.listeners) {
            Gauge.builder("observer_checkpoint_lag_events", this, g -> g.lagOf(id).map(l -> (double) l.eventsBehind())
                            .orElse(Double.NaN))
                    .description("Change-log rows after the listener's saved checkpoint (counted up to "
                            + LagReader.COUNT_LIMIT + ")").tag("listener", id).register(registry);
            Gauge.builder("observer_checkpoint_lag_seconds", this, g -> g.lagOf(id).map(l -> l.age().toMillis() / 1000.0)
                            .orElse(Double.NaN))
                    .description("Age of the oldest change-log row after the listener's saved checkpoint; 0 when caught up")
                    .tag("listener", id).baseUnit("seconds").register(registry);
        }
        Gauge.builder("observer_dlq_items", this, g -> g.dlqItems)
                .description("Dead letters not resolved").register(registry);
    }

    /** Reads once now, then every period on a virtual thread of its own (replacing one started before). */
    public void start() {
        close();
        refresh();
        thread = Thread.ofVirtual().name("backlog-gauges").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(period.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
                refresh();
            }
        });
    }

    /** The last lag read for {@code listener}; empty before the first successful read. */
    public Optional<ListenerLag> lagOf(String listener) {
        return Optional.ofNullable(latest.get(listener));
    }

    void refresh() {
        try {
            for (ListenerLag l : lag.of(listeners)) {
                latest.put(l.listenerId(), l);
            }
            dlqItems = deadLetters.openCount();
            if (failing) {
                LOG.info("lag and dead-letter gauges are read again");
                failing = false;
            }
        } catch (RuntimeException e) {
            if (!failing) {
                LOG.warnf("cannot read checkpoint lag and dead letters (%s); the gauges keep their last values",
                        e.getMessage());
                failing = true;
            }
        }
    }

    @Override
    public void close() {
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }
}

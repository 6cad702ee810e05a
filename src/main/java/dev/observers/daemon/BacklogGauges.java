package dev.observers.daemon;

import dev.observers.checkpoint.LagReader;
import dev.observers.checkpoint.ListenerLag;
import dev.observers.dispatch.DeadLetterTable;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * How far each subscription trails the change log and how many dead letters wait, read from the
 * database every period (the same bounded query as {@code observers status}) and served as gauges:
 * {@code observer_checkpoint_lag_events{listener}}, {@code observer_checkpoint_lag_seconds{listener}},
 * {@code observer_dlq_items}. A subscription's lag is that of its furthest-behind partition cursor,
 * whichever daemon owns it. Readiness reads the same figures. A failed read keeps the last values and
 * is logged once until reads succeed again.
 */
public final class BacklogGauges implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(BacklogGauges.class);

    private final LagReader lag;
    private final DeadLetterTable deadLetters;
    private final Supplier<List<String>> subscriptions;
    private final MeterRegistry registry;
    private final Duration period;
    private final Map<String, ListenerLag> latest = new ConcurrentHashMap<>();
    private final Map<String, List<Meter>> gauges = new ConcurrentHashMap<>();
    private volatile double dlqItems = Double.NaN;
    private volatile boolean failing;
    private volatile Thread thread;

    /** @param subscriptions the subscription ids in force now ({@code observer:<name>}); a reload changes them */
    public BacklogGauges(LagReader lag, DeadLetterTable deadLetters, Supplier<List<String>> subscriptions,
                         MeterRegistry registry, Duration period) {
        this.lag = lag;
        this.deadLetters = deadLetters;
        this.subscriptions = subscriptions;
        this.registry = registry;
        this.period = period;
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

    /** The last lag read for {@code subscription}; empty before the first successful read. */
    public Optional<ListenerLag> lagOf(String subscription) {
        return Optional.ofNullable(latest.get(subscription));
    }

    void refresh() {
        try {
            Set<String> ids = new LinkedHashSet<>(subscriptions.get());
            register(ids);
            for (ListenerLag l : worstPerSubscription(lag.claimsOf(ids))) {
                latest.put(l.listenerId(), l);
            }
            latest.keySet().retainAll(ids);
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

    /** Per subscription, its furthest-behind cursor, named after the subscription. */
    static List<ListenerLag> worstPerSubscription(Collection<ListenerLag> cursors) {
        Map<String, ListenerLag> worst = new HashMap<>();
        for (ListenerLag c : cursors) {
            String id = c.listenerId().split("#", 2)[0];
            ListenerLag named = new ListenerLag(id, c.checkpoint(), c.eventsBehind(), c.capped(), c.age(), c.updatedAt(),
                    c.updatedBy(), c.lastError(), c.owner());
            worst.merge(id, named, (a, b) -> b.eventsBehind() > a.eventsBehind()
                    || (b.eventsBehind() == a.eventsBehind() && b.age().compareTo(a.age()) > 0) ? b : a);
        }
        return new ArrayList<>(worst.values());
    }

    private void register(Set<String> ids) {
        for (String id : ids) {
            gauges.computeIfAbsent(id, k -> List.of(
                    Gauge.builder("observer_checkpoint_lag_events", this, g -> g.lagOf(k)
                                    .map(l -> (double) l.eventsBehind()).orElse(Double.NaN))
                            .description("Change-log rows after the subscription's furthest-behind cursor (counted up to "
                                    + LagReader.COUNT_LIMIT + ")").tag("listener", k).register(registry),
                    Gauge.builder("observer_checkpoint_lag_seconds", this, g -> g.lagOf(k)
                                    .map(l -> l.age().toMillis() / 1000.0).orElse(Double.NaN))
                            .description("Age of the oldest change-log row after the subscription's furthest-behind"
                                    + " cursor; 0 when caught up").tag("listener", k).baseUnit("seconds")
                            .register(registry)));
        }
        for (String id : new ArrayList<>(gauges.keySet())) {
            if (!ids.contains(id)) {
                gauges.remove(id).forEach(registry::remove);
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

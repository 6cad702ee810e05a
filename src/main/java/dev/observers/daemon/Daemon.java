package dev.observers.daemon;

import dev.observers.action.EventJson;
import dev.observers.changelog.ChangeLogListener;
import dev.observers.changelog.ChangeLogNotifications;
import dev.observers.changelog.ChangeLogReader;
import dev.observers.checkpoint.CheckpointPolicy;
import dev.observers.checkpoint.LagReader;
import dev.observers.checkpoint.PgCheckpointStore;
import dev.observers.config.ObserversConfig;
import dev.observers.dedup.Dedup;
import dev.observers.dedup.DedupStore;
import dev.observers.dedup.RedisDedupStore;
import dev.observers.dispatch.ActionRunner;
import dev.observers.dispatch.CircuitBreaker;
import dev.observers.dispatch.DeadLetterTable;
import dev.observers.dispatch.DispatchMetrics;
import dev.observers.dispatch.Dispatcher;
import dev.observers.dispatch.ObserverEventHandler;
import dev.observers.dispatch.PgDeadLetterStore;
import dev.observers.observer.ObserverCatalog;
import dev.observers.postgres.Postgres;
import dev.observers.redis.Redis;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Wires the running daemon: the observers listener (reader → planner → dispatcher → checkpoint), the
 * LISTEN connection that wakes it, and their meters. Started by {@code observers run}; stopped
 * gracefully: stop reading, let in-flight events finish within the shutdown budget, save the
 * checkpoint.
 */
@Singleton
public class Daemon {

    /** The listener id of the observers listener, as stored in {@code observer_checkpoints}. */
    public static final String OBSERVERS_LISTENER = "observers";

    private static final Logger LOG = Logger.getLogger(Daemon.class);

    private final ObserversConfig config;
    private final Postgres postgres;
    private final Vertx vertx;
    private final MeterRegistry registry;
    private final ObserverCatalog catalog;
    private final Redis redis;
    private final String instance = instanceName();
    private ChangeLogNotifications notifications;
    private ChangeLogListener listener;
    private Dispatcher dispatcher;
    private BacklogGauges backlog;

    @Inject
    public Daemon(ObserversConfig config, Postgres postgres, Redis redis, Vertx vertx, MeterRegistry registry,
                  ObserverCatalog catalog) {
        this.redis = redis;
        this.config = config;
        this.postgres = postgres;
        this.vertx = vertx;
        this.registry = registry;
        this.catalog = catalog;
    }

    /** Starts with the definitions of {@code observersFile} (and tb_observer); throws when any is broken. */
    public synchronized void start(Optional<Path> observersFile) {
        catalog.start(observersFile);
        var pool = postgres.pool();
        DispatchMetrics metrics = new DispatchMetrics(registry);
        ActionRunner runner = new ActionRunner(config.maxConcurrentActions(), Clock.systemUTC(), metrics,
                () -> new CircuitBreaker(5, Duration.ofSeconds(5), Duration.ofMinutes(5)));
        Dedup dedup = new Dedup(config.dedup().enabled() ? new RedisDedupStore(redis::client) : DedupStore.none(),
                config.redis().keyPrefix(), instance, Duration.ofSeconds(config.dedupWindowSecs()),
                config.dedup().failClosed(), registry, Clock.systemUTC());
        dispatcher = new Dispatcher(OBSERVERS_LISTENER, runner, new PgDeadLetterStore(pool), EventJson::of, metrics, dedup);
        var settings = new ChangeLogListener.Settings(config.listener().batchSize(),
                Duration.ofMillis(config.listener().pollIntervalMs()), config.listener().maxInFlight(),
                new CheckpointPolicy(config.checkpoint().batchSize(), Duration.ofMillis(config.checkpoint().intervalMs())));
        PgCheckpointStore checkpoints = new PgCheckpointStore(pool, config.checkpoint().batchSize(), instance);
        listener = new ChangeLogListener(OBSERVERS_LISTENER, new ChangeLogReader(pool), checkpoints,
                new ObserverEventHandler(OBSERVERS_LISTENER, catalog::planner, dispatcher, dedup), settings,
                Clock.systemUTC());
        registerMeters(listener);
        FunctionCounter.builder("observer_checkpoint_writes_total", checkpoints, PgCheckpointStore::writes)
                .description("Checkpoint writes").tag("listener", listener.id()).register(registry);
        if (backlog == null) {
            backlog = new BacklogGauges(new LagReader(pool), new DeadLetterTable(pool), List.of(OBSERVERS_LISTENER),
                    registry, Duration.ofMillis(config.lagRefreshMs()));
        }
        backlog.start();
        notifications = new ChangeLogNotifications(vertx, postgres.url());
        notifications.onNotify(listener::wake);
        notifications.start();
        listener.start();
    }

    /** Graceful stop; returns the events left unfinished (replayed at the next start). */
    public synchronized int stop() throws InterruptedException {
        if (listener == null) {
            return 0;
        }
        int unfinished = listener.stop(Duration.ofMillis(config.shutdownTimeoutMs()));
        dispatcher.shutdownNow();
        backlog.close();
        notifications.close();
        catalog.stop();
        listener = null;
        return unfinished;
    }

    /** The lag and dead-letter figures the gauges serve; empty before the daemon started. */
    public Optional<BacklogGauges> backlog() {
        return Optional.ofNullable(backlog);
    }

    public List<ChangeLogListener> listeners() {
        return listener == null ? List.of() : List.of(listener);
    }

    private void registerMeters(ChangeLogListener l) {
        FunctionCounter.builder("observer_events_processed_total", l, ChangeLogListener::eventsProcessed)
                .description("Change-log events completed by the listener").tag("listener", l.id()).register(registry);
        Gauge.builder("observer_listener_in_flight", l, ChangeLogListener::inFlight)
                .description("Events read and not yet complete").tag("listener", l.id()).register(registry);
    }

    /** This process, as claims and checkpoints record it: host, pid and a start nonce. */
    private static String instanceName() {
        return "observers@" + ManagementFactory.getRuntimeMXBean().getName() + "#"
                + Long.toHexString(System.nanoTime() & 0xffffff);
    }
}

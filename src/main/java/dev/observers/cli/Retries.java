package dev.observers.cli;

import dev.observers.changelog.ChangeLogReader;
import dev.observers.config.ObserversConfig;
import dev.observers.dedup.Dedup;
import dev.observers.dedup.DedupStore;
import dev.observers.dedup.RedisDedupStore;
import dev.observers.dispatch.ActionRunner;
import dev.observers.dispatch.CircuitBreaker;
import dev.observers.dispatch.DeadLetterRetry;
import dev.observers.dispatch.DeadLetterTable;
import dev.observers.dispatch.DispatchMetrics;
import dev.observers.observer.ObserverCatalog;
import dev.observers.observer.ObserverDefinition;
import dev.observers.redis.Redis;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.mutiny.sqlclient.Pool;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.stream.Collectors;

/**
 * The pieces a retry of dead letters needs outside the daemon, built like the daemon's: the observers
 * of {@code OBSERVERS_CONFIG} and tb_observer, an action runner with the configured concurrency, and
 * the dedup window in the daemon's Redis under the daemon's keys. Its circuit breakers never open:
 * an operator's retry against a target that is down should fail and say so, not wait for it.
 */
final class Retries implements AutoCloseable {

    private final ActionRunner runner;
    private final DeadLetterRetry retry;

    Retries(ObserversConfig config, Pool pool, Redis redis, ObserverCatalog catalog, MeterRegistry registry) {
        redis.preferRunningEmbedded();
        ObserverCatalog.Snapshot observers = catalog.snapshot(config.config().map(Path::of));
        runner = new ActionRunner(config.maxConcurrentActions(), Clock.systemUTC(), new DispatchMetrics(registry),
                () -> new CircuitBreaker(Integer.MAX_VALUE, Duration.ofSeconds(1), Duration.ofSeconds(1)));
        Dedup dedup = new Dedup(config.dedup().enabled() ? new RedisDedupStore(redis::client) : DedupStore.none(),
                config.redis().keyPrefix(), Duration.ofSeconds(config.dedupWindowSecs()), config.dedup().failClosed(), registry, Clock.systemUTC());
        retry = new DeadLetterRetry(new DeadLetterTable(pool), new ChangeLogReader(pool),
                observers.definitions().stream().map(ObserverDefinition::name).collect(Collectors.toSet()),
                observers.planner(), runner, dedup);
    }

    DeadLetterRetry retry() {
        return retry;
    }

    @Override
    public void close() {
        runner.close();
    }
}

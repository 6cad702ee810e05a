package dev.observers.lookup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.observers.action.EventJson;
import dev.observers.changelog.ChangeEvent;
import dev.observers.config.ObserversConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.mutiny.sqlclient.Pool;
import org.redisson.api.RedissonClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs an observer's lookups for one event, through the cache, and gathers their results by name: the
 * one entry point the pipeline needs. Blocking; meant for virtual threads. Several lookups of one
 * observer run in parallel.
 */
public final class Lookups implements AutoCloseable {

    private final LookupCache cache;
    private final LookupSource source;
    private final String keyPrefix;
    private final Duration defaultTtl;
    private final AutoCloseable owned;

    /**
     * @param keyPrefix  prefix of the cache keys ({@code observers:})
     * @param defaultTtl cache TTL of lookups without their own ttl_secs
     */
    public Lookups(LookupCache cache, LookupSource source, String keyPrefix, Duration defaultTtl) {
        this(cache, source, keyPrefix, defaultTtl, () -> { });
    }

    private Lookups(LookupCache cache, LookupSource source, String keyPrefix, Duration defaultTtl,
                    AutoCloseable owned) {
        this.cache = cache;
        this.source = source;
        this.keyPrefix = keyPrefix;
        this.defaultTtl = defaultTtl;
        this.owned = owned;
    }

    /**
     * The daemon's lookups: SQL on {@code pool}, HTTP through a client of its own, cached in memory and
     * in {@code redis} (when it could be reached) as {@code config} says, metered in {@code registry}.
     */
    public static Lookups create(ObserversConfig config, Pool pool, Optional<RedissonClient> redis,
                                 MeterRegistry registry) {
        CacheSettings settings = CacheSettings.from(config);
        Duration timeout = Duration.ofMillis(config.lookup().timeoutMs());
        HttpLookupSource http = new HttpLookupSource(Duration.ofMillis(config.httpConnectTimeoutMs()), timeout);
        LookupSource source = LookupSource.of(new SqlLookupSource(pool, timeout), http);
        return new Lookups(TwoLevelCache.create(settings, redis, registry), source,
                settings.keyPrefix(), settings.ttl(), http);
    }

    /**
     * The results of {@code lookups} for {@code event}, as {@code {name: result}} in definition order;
     * an empty object when there are none. The tree is the caller's to keep or change.
     *
     * @throws LookupException the first failure in definition order, naming the lookup and the event
     */
    public ObjectNode resolve(ChangeEvent event, List<LookupDefinition> lookups) throws LookupException {
        ObjectNode results = JsonNodeFactory.instance.objectNode();
        if (lookups.isEmpty()) {
            return results;
        }
        JsonNode json = EventJson.of(event);
        List<LookupRequest> requests = new ArrayList<>(lookups.size());
        List<Duration> ttls = new ArrayList<>(lookups.size());
        for (LookupDefinition lookup : lookups) {
            requests.add(forEvent(event, () -> LookupRequest.render(lookup, json)));
            ttls.add(lookup.ttl().orElse(defaultTtl));
        }
        if (requests.size() == 1) {
            LookupRequest request = requests.getFirst();
            results.set(request.lookup(), forEvent(event, () -> fetch(request, ttls.getFirst())).deepCopy());
            return results;
        }
        List<Future<JsonNode>> running = new ArrayList<>(requests.size());
        try (ExecutorService parallel = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < requests.size(); i++) {
                LookupRequest request = requests.get(i);
                Duration ttl = ttls.get(i);
                running.add(parallel.submit(() -> fetch(request, ttl)));
            }
        }
        for (int i = 0; i < requests.size(); i++) {
            Future<JsonNode> result = running.get(i);
            String name = requests.get(i).lookup();
            results.set(name, forEvent(event, () -> outcome(name, result)).deepCopy());
        }
        return results;
    }

    /**
     * {@code event} with lookup results added to its data, each under its lookup's name (hiding a data
     * field of the same name): what conditions ({@code author.name == Ada}) and templates
     * ({@code {{ data.author.name }}}) of an observer with lookups read.
     */
    public static ChangeEvent withResults(ChangeEvent event, ObjectNode results) {
        if (results.isEmpty()) {
            return event;
        }
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.setAll(event.data());
        data.setAll(results);
        return new ChangeEvent(event.position(), event.id(), event.kind(), event.modificationType(),
                event.entityType(), event.entityId(), data, event.before(), event.changes(), event.userId(),
                event.tenantId(), event.timestamp(), event.updatedFields(), event.traceId(), event.traceContext(),
                event.extraMetadata());
    }

    private JsonNode fetch(LookupRequest request, Duration ttl) throws LookupException {
        return cache.get(request.lookup(), LookupRequest.cacheKey(keyPrefix, request), ttl,
                () -> source.fetch(request));
    }

    private static JsonNode outcome(String lookup, Future<JsonNode> result) throws LookupException {
        try {
            return result.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof LookupException failure) {
                throw failure;
            }
            throw new LookupException(lookup, "failed unexpectedly: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LookupException(lookup, "interrupted");
        }
    }

    /** A step of one event's lookups whose failure names the event too. */
    private interface Step<T> {
        T run() throws LookupException;
    }

    private static <T> T forEvent(ChangeEvent event, Step<T> step) throws LookupException {
        try {
            return step.run();
        } catch (LookupException e) {
            throw new LookupException(e.lookup(), e.detail() + " (event " + event.id() + ")", e);
        }
    }

    @Override
    public void close() {
        try {
            owned.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing the lookup sources failed", e);
        }
    }
}

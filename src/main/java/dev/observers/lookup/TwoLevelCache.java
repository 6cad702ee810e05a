package dev.observers.lookup;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import org.jboss.logging.Logger;
import org.redisson.api.RedissonClient;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;

/**
 * Lookup results in process memory (Caffeine: bounded, W-TinyLFU, a short TTL) in front of Redis (the
 * lookup's TTL), so a hot key costs neither a round trip nor a source call. Concurrent misses of one key
 * load it once (single flight): the first caller asks Redis and then the source, the others wait for its
 * answer, or its failure.
 */
public final class TwoLevelCache implements LookupCache {

    /** A result and how long it may stay in memory. */
    private record Entry(JsonNode value, Duration ttl) {
    }

    private static final Logger LOG = Logger.getLogger(TwoLevelCache.class);

    private final Cache<String, Entry> local;
    private final boolean localOn;
    private final Duration localTtl;
    private final Optional<RedisLevel> redis;
    private final CacheMetrics metrics;
    private final ConcurrentMap<String, CompletableFuture<JsonNode>> inFlight = new ConcurrentHashMap<>();

    /** The cache {@code settings} describe, with Redis as its shared level when given one. */
    public static TwoLevelCache create(CacheSettings settings, Optional<RedissonClient> redis, MeterRegistry registry) {
        Ticker ticker = Ticker.systemTicker();
        return new TwoLevelCache(settings.localMaxEntries(), settings.localTtl(),
                redis.map(client -> new RedisLevel(client, settings.redisTimeout(), ticker, LOG::warn)), registry,
                ticker);
    }

    /**
     * @param localMaxEntries results kept in memory, at most; 0 turns the memory level off
     * @param localTtl        longest stay of a result in memory
     * @param redis           the shared level; empty for memory only
     * @param ticker          the clock of memory expiry ({@link Ticker#systemTicker()} outside tests)
     */
    TwoLevelCache(long localMaxEntries, Duration localTtl, Optional<RedisLevel> redis, MeterRegistry registry,
                  Ticker ticker) {
        this.metrics = new CacheMetrics(registry);
        this.localOn = localMaxEntries > 0;
        this.localTtl = localTtl;
        this.redis = redis;
        this.local = Caffeine.newBuilder()
                .maximumSize(localMaxEntries)
                .expireAfter(Expiry.creating((String key, Entry entry) -> entry.ttl()))
                .ticker(ticker)
                // upkeep on the caller's (virtual) thread: eviction counts are current when a lookup returns
                .executor(Runnable::run)
                .evictionListener((String key, Entry entry, RemovalCause cause) -> metrics.evicted(cause))
                .build();
    }

    @Override
    public JsonNode get(String lookup, String key, Duration ttl, Loader loader) throws LookupException {
        Entry cached = local.getIfPresent(key);
        if (cached != null) {
            metrics.localHit();
            return cached.value();
        }
        CompletableFuture<JsonNode> mine = new CompletableFuture<>();
        CompletableFuture<JsonNode> running = inFlight.putIfAbsent(key, mine);
        if (running != null) {
            metrics.coalesced();
            return await(lookup, running);
        }
        try {
            JsonNode value = load(key, ttl, loader);
            mine.complete(value);
            return value;
        } catch (LookupException | RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(key, mine);
        }
    }

    /** The leader's path: memory again (a load may have finished since the first look), Redis, the source. */
    private JsonNode load(String key, Duration ttl, Loader loader) throws LookupException {
        Entry cached = local.getIfPresent(key);
        if (cached != null) {
            metrics.localHit();
            return cached.value();
        }
        Optional<JsonNode> shared = redis.flatMap(level -> level.read(key));
        if (shared.isPresent()) {
            metrics.redisHit();
            remember(key, shared.get(), ttl);
            return shared.get();
        }
        metrics.miss();
        JsonNode value = loader.load();
        redis.ifPresent(level -> level.write(key, value, ttl));
        remember(key, value, ttl);
        return value;
    }

    private void remember(String key, JsonNode value, Duration ttl) {
        if (localOn) {
            local.put(key, new Entry(value, ttl.compareTo(localTtl) < 0 ? ttl : localTtl));
        }
    }

    /** A waiter's view of the leader's load: its result, or a failure of its own carrying the leader's. */
    private static JsonNode await(String lookup, CompletableFuture<JsonNode> running) throws LookupException {
        try {
            return running.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof LookupException failure) {
                throw new LookupException(lookup, failure.detail(), failure);
            }
            throw new LookupException(lookup, "loading the result failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LookupException(lookup, "interrupted while waiting for a concurrent load of the same result");
        }
    }

    /** Runs pending expiry and eviction now: tests read the eviction counters right after. */
    void cleanUp() {
        local.cleanUp();
    }

    /** Results in memory now (approximate under concurrent use). */
    long localSize() {
        return local.estimatedSize();
    }
}

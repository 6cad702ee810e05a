package dev.observers.lookup;

import dev.observers.config.ObserversConfig;

import java.time.Duration;

/**
 * The lookup cache's knobs, read once from {@link ObserversConfig} ({@code OBSERVERS_CACHE_*},
 * {@code OBSERVERS_REDIS_KEY_PREFIX}) so the cache and its tests need no configuration framework.
 *
 * @param ttl             how long a result stays in Redis unless its lookup sets ttl_secs
 * @param localMaxEntries results kept in memory, at most; 0 turns the memory level off
 * @param localTtl        longest stay of a result in memory
 * @param redisTimeout    longest wait for Redis per call
 * @param keyPrefix       prefix of every Redis key
 */
public record CacheSettings(Duration ttl, long localMaxEntries, Duration localTtl, Duration redisTimeout,
                            String keyPrefix) {

    public static CacheSettings from(ObserversConfig config) {
        ObserversConfig.Cache cache = config.cache();
        return new CacheSettings(Duration.ofSeconds(cache.ttlSecs()), cache.localMaxEntries(),
                Duration.ofSeconds(cache.localTtlSecs()), Duration.ofMillis(cache.redisTimeoutMs()),
                config.redis().keyPrefix());
    }
}

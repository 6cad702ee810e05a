package dev.observers.lookup;

import com.github.benmanes.caffeine.cache.RemovalCause;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.function.ToDoubleFunction;

/**
 * The lookup cache's meters under FraiseQL's names. Every lookup is exactly one of: a hit in memory, a
 * hit in Redis, a wait on another caller's load of the same key (coalesced), or a miss that asked the
 * source; so {@code observer_cache_misses_total} is also the number of source calls.
 * {@code observer_cache_hit_rate{level}}: {@code all} is hits of both levels over all lookups,
 * {@code local} memory hits over all lookups, {@code redis} Redis hits over the lookups that asked it.
 */
final class CacheMetrics {

    private final Counter localHits;
    private final Counter redisHits;
    private final Counter misses;
    private final Counter coalesced;
    private final Counter sizeEvictions;
    private final Counter expirations;

    CacheMetrics(MeterRegistry registry) {
        localHits = hits(registry, "local");
        redisHits = hits(registry, "redis");
        misses = Counter.builder("observer_cache_misses_total")
                .description("Lookups found in no cache level: each asked its source").register(registry);
        coalesced = Counter.builder("observer_cache_coalesced_total")
                .description("Lookups that waited for a concurrent load of the same key instead of asking the source")
                .register(registry);
        sizeEvictions = evictions(registry, "size");
        expirations = evictions(registry, "expired");
        rate(registry, "all", CacheMetrics::overallRate);
        rate(registry, "local", CacheMetrics::localRate);
        rate(registry, "redis", CacheMetrics::redisRate);
    }

    private static Counter hits(MeterRegistry registry, String level) {
        return Counter.builder("observer_cache_hits_total").description("Lookups answered by a cache level")
                .tag("level", level).register(registry);
    }

    private static Counter evictions(MeterRegistry registry, String cause) {
        return Counter.builder("observer_cache_evictions_total")
                .description("Lookup results dropped from memory, by size bound or TTL")
                .tag("cause", cause).register(registry);
    }

    private void rate(MeterRegistry registry, String level, ToDoubleFunction<CacheMetrics> rate) {
        Gauge.builder("observer_cache_hit_rate", this, rate)
                .description("Share of lookups answered by the cache (NaN before the first lookup)")
                .tag("level", level).strongReference(true).register(registry);
    }

    void localHit() {
        localHits.increment();
    }

    void redisHit() {
        redisHits.increment();
    }

    void miss() {
        misses.increment();
    }

    void coalesced() {
        coalesced.increment();
    }

    void evicted(RemovalCause cause) {
        switch (cause) {
            case SIZE, COLLECTED -> sizeEvictions.increment();
            case EXPIRED -> expirations.increment();
            case EXPLICIT, REPLACED -> {
            }
        }
    }

    double overallRate() {
        return ratio(localHits.count() + redisHits.count(), total());
    }

    double localRate() {
        return ratio(localHits.count(), total());
    }

    double redisRate() {
        return ratio(redisHits.count(), redisHits.count() + misses.count());
    }

    private double total() {
        return localHits.count() + redisHits.count() + coalesced.count() + misses.count();
    }

    private static double ratio(double part, double whole) {
        return whole == 0 ? Double.NaN : part / whole;
    }
}

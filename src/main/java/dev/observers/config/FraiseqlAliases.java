package dev.observers.config;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigSourceInterceptorFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;

import java.util.Map;
import java.util.OptionalInt;

/**
 * Accepts FraiseQL's environment variable names for the knobs that have one, so a FraiseQL
 * deployment can switch daemons without renaming its environment. The daemon's own name wins
 * when both are set; the alias wins over a built-in default.
 */
public final class FraiseqlAliases implements ConfigSourceInterceptorFactory {

    /** Daemon property to FraiseQL environment name. */
    public static final Map<String, String> ALIASES = Map.of(
            "observers.redis.url", "FRAISEQL_REDIS_URL",
            "observers.dedup-window-secs", "FRAISEQL_REDIS_DEDUP_WINDOW_SECS",
            "observers.cache.ttl-secs", "FRAISEQL_REDIS_CACHE_TTL_SECS",
            "observers.max-concurrent-actions", "FRAISEQL_MAX_CONCURRENT_ACTIONS",
            "observers.action-timeout-ms", "FRAISEQL_CONCURRENT_TIMEOUT_MS",
            "observers.elasticsearch.url", "FRAISEQL_ELASTICSEARCH_URL",
            "observers.elasticsearch.index-prefix", "FRAISEQL_ELASTICSEARCH_INDEX_PREFIX",
            "observers.elasticsearch.bulk-size", "FRAISEQL_ELASTICSEARCH_BULK_SIZE",
            "observers.elasticsearch.flush-interval-secs", "FRAISEQL_ELASTICSEARCH_FLUSH_INTERVAL_SECS");

    @Override
    public ConfigSourceInterceptor getInterceptor(ConfigSourceInterceptorContext context) {
        return (ctx, name) -> {
            ConfigValue own = ctx.proceed(name);
            String alias = ALIASES.get(name);
            if (alias == null || (own != null && !isBuiltInDefault(own))) {
                return own;
            }
            ConfigValue aliased = ctx.proceed(alias);
            return aliased == null ? own : aliased.withName(name);
        };
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(Priorities.LIBRARY + 500);
    }

    private static boolean isBuiltInDefault(ConfigValue value) {
        return value.getConfigSourceOrdinal() == Integer.MIN_VALUE;
    }
}

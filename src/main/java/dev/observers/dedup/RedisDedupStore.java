package dev.observers.dedup;

import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The dedup window in Redis: one string key per done action, {@code done} with the window as its TTL.
 * Checking a whole read batch is one {@code MGET}; a group of marks is one script call, so Redis does
 * one command per batch rather than one per action. (Keys of one call must live on one node; Redis
 * Cluster would need hash tags.)
 */
public final class RedisDedupStore implements DedupStore {

    static final String DONE = "done";

    private static final String MARK_DONE = """
            for _, key in ipairs(KEYS) do
                redis.call('SET', key, 'done', 'PX', ARGV[1])
            end
            return #KEYS""";

    private final Supplier<RedissonClient> redis;

    /** @param redis resolved on each call, so a Redis that was down at start is picked up once it is back */
    public RedisDedupStore(Supplier<RedissonClient> redis) {
        this.redis = redis;
    }

    @Override
    public Set<String> done(Collection<String> keys) {
        if (keys.isEmpty()) {
            return Set.of();
        }
        try {
            return done(redis.get().getBuckets(StringCodec.INSTANCE).<String>get(keys.toArray(String[]::new)));
        } catch (RuntimeException e) {
            throw unavailable(e);
        }
    }

    @Override
    public CompletableFuture<Set<String>> doneAsync(Collection<String> keys) {
        if (keys.isEmpty()) {
            return CompletableFuture.completedFuture(Set.of());
        }
        try {
            return redis.get().getBuckets(StringCodec.INSTANCE).<String>getAsync(keys.toArray(String[]::new))
                    .toCompletableFuture()
                    .handle((found, failure) -> {
                        if (failure != null) {
                            throw unavailable(failure);
                        }
                        return done(found);
                    });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(unavailable(e));
        }
    }

    private static Set<String> done(Map<String, String> found) {
        Set<String> done = new HashSet<>();
        for (Map.Entry<String, String> e : found.entrySet()) {
            if (DONE.equals(e.getValue())) {
                done.add(e.getKey());
            }
        }
        return done;
    }

    @Override
    public void markDone(Collection<String> keys, Duration window) {
        if (keys.isEmpty()) {
            return;
        }
        List<Object> list = new ArrayList<>(keys);
        try {
            redis.get().getScript(StringCodec.INSTANCE).eval(RScript.Mode.READ_WRITE, MARK_DONE, RScript.ReturnType.LONG,
                    list, String.valueOf(window.toMillis()));
        } catch (RuntimeException e) {
            throw unavailable(e);
        }
    }

    private static DedupUnavailableException unavailable(Throwable e) {
        Throwable cause = e instanceof java.util.concurrent.CompletionException c && c.getCause() != null ? c.getCause() : e;
        return new DedupUnavailableException("Redis unavailable: " + cause.getMessage(), cause);
    }
}

package dev.observers.dedup;

import org.redisson.api.BatchOptions;
import org.redisson.api.RBatch;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Dedup state in Redis: one string key per action, {@code claimed:<instance>} with a TTL a little over
 * the action's timeout, then {@code done} for the dedup window. Reads for a whole batch go in one
 * pipelined round trip.
 */
public final class RedisDedupStore implements DedupStore {

    static final String DONE = "done";

    /** Claims only where nothing is done; a stale claim of a crashed instance is simply replaced. */
    private static final String CLAIM = """
            if redis.call('GET', KEYS[1]) == 'done' then return 0 end
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            return 1""";

    private static final String RELEASE = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
            return 0""";

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
            RBatch batch = redis.get().createBatch(BatchOptions.defaults().responseTimeout(3, TimeUnit.SECONDS)
                    .retryAttempts(0));
            List<String> order = new ArrayList<>(keys);
            for (String key : order) {
                batch.<String>getBucket(key, StringCodec.INSTANCE).getAsync();
            }
            List<?> values = batch.execute().getResponses();
            Set<String> done = new HashSet<>();
            for (int i = 0; i < order.size(); i++) {
                if (DONE.equals(values.get(i))) {
                    done.add(order.get(i));
                }
            }
            return done;
        } catch (RuntimeException e) {
            throw unavailable(e);
        }
    }

    /** Sent without waiting: a claim informs, it never decides, so it need not delay the action. */
    @Override
    public void claim(String key, String instance, Duration ttl) {
        try {
            redis.get().getScript(StringCodec.INSTANCE).evalAsync(RScript.Mode.READ_WRITE, CLAIM,
                    RScript.ReturnType.LONG, List.of(key), "claimed:" + instance, String.valueOf(ttl.toMillis()));
        } catch (RuntimeException e) {
            throw unavailable(e);
        }
    }

    @Override
    public void markDone(String key, Duration window) {
        try {
            redis.get().<String>getBucket(key, StringCodec.INSTANCE).set(DONE, window);
        } catch (RuntimeException e) {
            throw unavailable(e);
        }
    }

    @Override
    public void release(String key, String instance) {
        eval(RELEASE, key, "claimed:" + instance);
    }

    private void eval(String script, String key, Object... args) {
        try {
            redis.get().getScript(StringCodec.INSTANCE).eval(RScript.Mode.READ_WRITE, script, RScript.ReturnType.LONG,
                    List.of(key), args);
        } catch (RuntimeException e) {
            throw unavailable(e);
        }
    }

    private static DedupUnavailableException unavailable(RuntimeException e) {
        return new DedupUnavailableException("Redis unavailable: " + e.getMessage(), e);
    }
}

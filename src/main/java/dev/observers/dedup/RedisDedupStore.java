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
import java.util.function.Supplier;

/**
 * Dedup state in Redis: one string key per action, {@code claimed:<instance>} with a TTL a little over
 * the action's timeout, then {@code done} for the dedup window. The check and the claims of a whole
 * batch are one script call: one round trip per batch. (Keys of one batch must live on one node; Redis
 * Cluster would need hash tags.)
 */
public final class RedisDedupStore implements DedupStore {

    static final String DONE = "done";

    /** Per key: 1 when done; otherwise claims it (a crashed instance's claim is simply replaced) and 0. */
    private static final String CLAIM_UNLESS_DONE = """
            local result = {}
            for i, key in ipairs(KEYS) do
                if redis.call('GET', key) == 'done' then
                    result[i] = 1
                else
                    redis.call('SET', key, ARGV[1], 'PX', ARGV[2])
                    result[i] = 0
                end
            end
            return result""";

    private static final String RELEASE = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
            return 0""";

    private final Supplier<RedissonClient> redis;

    /** @param redis resolved on each call, so a Redis that was down at start is picked up once it is back */
    public RedisDedupStore(Supplier<RedissonClient> redis) {
        this.redis = redis;
    }

    @Override
    public Set<String> claimUnlessDone(Collection<String> keys, String instance, Duration ttl) {
        if (keys.isEmpty()) {
            return Set.of();
        }
        List<Object> order = new ArrayList<>(keys);
        List<?> flags;
        try {
            flags = redis.get().getScript(StringCodec.INSTANCE).eval(RScript.Mode.READ_WRITE, CLAIM_UNLESS_DONE,
                    RScript.ReturnType.LIST, order, "claimed:" + instance, String.valueOf(ttl.toMillis()));
        } catch (RuntimeException e) {
            throw unavailable(e);
        }
        Set<String> done = new HashSet<>();
        for (int i = 0; i < order.size(); i++) {
            if (Long.valueOf(1).equals(flags.get(i))) {
                done.add((String) order.get(i));
            }
        }
        return done;
    }

    @Override
    public void markDone(Collection<String> keys, Duration window) {
        try {
            RBatch batch = redis.get().createBatch(BatchOptions.defaults());
            for (String key : keys) {
                batch.<String>getBucket(key, StringCodec.INSTANCE).setAsync(DONE, window);
            }
            batch.execute();
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

package dev.observers.dedup;

import dev.observers.redis.RedisClients;
import dev.observers.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RedisDedupStoreTest {

    private static RedissonClient redis;
    private static RedisDedupStore store;
    private static String prefix;

    @BeforeAll
    static void connect() {
        redis = RedisClients.create(TestServers.redis());
        store = new RedisDedupStore(() -> redis);
        prefix = TestServers.namespace(RedisDedupStoreTest.class) + ":";
    }

    @AfterAll
    static void close() {
        redis.shutdown();
    }

    private static String value(String key) {
        return redis.<String>getBucket(key, StringCodec.INSTANCE).get();
    }

    @Test
    void oneCallReportsTheDoneKeysAndClaimsTheOthers() {
        String a = prefix + "a";
        String b = prefix + "b";
        String c = prefix + "c";
        store.markDone(List.of(a), Duration.ofMinutes(5));
        assertThat(store.claimUnlessDone(List.of(a, b, c), "inst-1", Duration.ofMinutes(1))).containsExactly(a);
        assertThat(value(a)).isEqualTo("done");
        assertThat(value(b)).isEqualTo("claimed:inst-1");
        assertThat(value(c)).isEqualTo("claimed:inst-1");
        assertThat(redis.getBucket(a, StringCodec.INSTANCE).remainTimeToLive()).isBetween(290_000L, 300_000L);
        assertThat(redis.getBucket(b, StringCodec.INSTANCE).remainTimeToLive()).isBetween(50_000L, 60_000L);
    }

    @Test
    void aClaimLeftByACrashedInstanceDoesNotSuppressTheAction() {
        String stale = prefix + "stale";
        store.claimUnlessDone(List.of(stale), "crashed", Duration.ofMinutes(1));
        assertThat(store.claimUnlessDone(List.of(stale), "inst-2", Duration.ofSeconds(30))).isEmpty();
        assertThat(value(stale)).isEqualTo("claimed:inst-2");
        assertThat(redis.getBucket(stale, StringCodec.INSTANCE).remainTimeToLive()).isBetween(1L, 30_000L);
    }

    @Test
    void releaseDropsOnlyThisInstancesClaim() {
        String mine = prefix + "mine";
        String theirs = prefix + "theirs";
        store.claimUnlessDone(List.of(mine), "me", Duration.ofMinutes(1));
        store.claimUnlessDone(List.of(theirs), "other", Duration.ofMinutes(1));
        store.release(mine, "me");
        store.release(theirs, "me");
        assertThat(value(mine)).isNull();
        assertThat(value(theirs)).isEqualTo("claimed:other");
    }
}

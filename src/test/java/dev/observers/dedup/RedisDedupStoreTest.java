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
import static org.awaitility.Awaitility.await;

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
    void onlyDoneKeysAreReportedDoneInOneBatch() {
        String a = prefix + "a";
        String b = prefix + "b";
        String c = prefix + "c";
        store.markDone(a, Duration.ofMinutes(5));
        store.claim(b, "inst-1", Duration.ofMinutes(1));
        await().until(() -> value(b) != null);
        assertThat(store.done(List.of(a, b, c))).containsExactly(a);
        assertThat(redis.getBucket(a, StringCodec.INSTANCE).remainTimeToLive()).isBetween(290_000L, 300_000L);
    }

    @Test
    void aClaimNeverOverwritesDoneAndReplacesAStaleClaim() {
        String done = prefix + "done";
        store.markDone(done, Duration.ofMinutes(5));
        store.claim(done, "inst-2", Duration.ofMinutes(1));
        String stale = prefix + "stale";
        store.claim(stale, "crashed", Duration.ofMinutes(1));
        await().until(() -> "claimed:crashed".equals(value(stale)));
        store.claim(stale, "inst-2", Duration.ofSeconds(30));
        await().until(() -> "claimed:inst-2".equals(value(stale)));
        assertThat(value(done)).isEqualTo("done");
        assertThat(redis.getBucket(stale, StringCodec.INSTANCE).remainTimeToLive()).isBetween(1L, 30_000L);
    }

    @Test
    void releaseDropsOnlyThisInstancesClaim() {
        String mine = prefix + "mine";
        String theirs = prefix + "theirs";
        store.claim(mine, "me", Duration.ofMinutes(1));
        store.claim(theirs, "other", Duration.ofMinutes(1));
        await().until(() -> value(mine) != null && value(theirs) != null);
        store.release(mine, "me");
        store.release(theirs, "me");
        assertThat(value(mine)).isNull();
        assertThat(value(theirs)).isEqualTo("claimed:other");
    }
}

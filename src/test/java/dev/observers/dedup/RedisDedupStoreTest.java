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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    void oneCallReportsTheDoneKeysAndWritesNothing() {
        String a = prefix + "a";
        String b = prefix + "b";
        String c = prefix + "c";
        store.markDone(List.of(a), Duration.ofMinutes(5));
        assertThat(store.done(List.of(a, b, c))).containsExactly(a);
        assertThat(value(a)).isEqualTo("done");
        assertThat(value(b)).isNull();
        assertThat(redis.getBucket(a, StringCodec.INSTANCE).remainTimeToLive()).isBetween(290_000L, 300_000L);
    }

    @Test
    void theAsyncCheckGivesTheSameAnswer() throws Exception {
        String a = prefix + "async-a";
        String b = prefix + "async-b";
        store.markDone(List.of(b), Duration.ofMinutes(1));
        assertThat(store.doneAsync(List.of(a, b)).get(5, TimeUnit.SECONDS)).containsExactly(b);
    }

    @Test
    void aGroupOfMarksIsWrittenInOneCallEachWithTheWindowAsItsTtl() {
        List<String> keys = java.util.stream.IntStream.range(0, 2_500).mapToObj(i -> prefix + "group-" + i).toList();
        store.markDone(keys, Duration.ofSeconds(30));
        assertThat(store.done(keys)).hasSize(2_500);
        assertThat(redis.getBucket(keys.getLast(), StringCodec.INSTANCE).remainTimeToLive()).isBetween(20_000L, 30_000L);
    }

    @Test
    void aClientThatCannotReachRedisIsReportedAsUnavailable() {
        RedissonClient closed = RedisClients.create(TestServers.redis());
        closed.shutdown();
        RedisDedupStore unreachable = new RedisDedupStore(() -> closed);
        assertThatThrownBy(() -> unreachable.done(List.of("k")))
                .isInstanceOf(DedupUnavailableException.class).hasMessageStartingWith("Redis unavailable");
        assertThatThrownBy(() -> unreachable.markDone(List.of("k"), Duration.ofSeconds(1)))
                .isInstanceOf(DedupUnavailableException.class);
        assertThat(unreachable.doneAsync(List.of("k"))).failsWithin(Duration.ofSeconds(30))
                .withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(DedupUnavailableException.class);
    }
}

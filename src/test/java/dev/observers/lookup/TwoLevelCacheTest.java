package dev.observers.lookup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.observers.redis.RedisClients;
import dev.observers.testing.TestServers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

class TwoLevelCacheTest {

    private static final Duration TTL = Duration.ofSeconds(120);
    private static final Duration LOCAL_TTL = Duration.ofSeconds(5);

    private static RedissonClient redis;
    private static String ns;

    private final AtomicLong nanos = new AtomicLong();
    private final Ticker ticker = nanos::get;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicInteger sourceCalls = new AtomicInteger();

    @BeforeAll
    static void connect() {
        redis = RedisClients.create(TestServers.redis());
        ns = TestServers.namespace(TwoLevelCacheTest.class);
    }

    @AfterAll
    static void disconnect() {
        redis.getKeys().getKeysStreamByPattern(ns + ":*").forEach(k -> redis.getKeys().unlink(k));
        redis.shutdown();
    }

    private TwoLevelCache cache(long localMaxEntries) {
        return new TwoLevelCache(localMaxEntries, LOCAL_TTL,
                Optional.of(new RedisLevel(redis, Duration.ofMillis(500), ticker, message -> { })), registry, ticker);
    }

    private static String key(String name) {
        return ns + ":" + name;
    }

    private JsonNode get(TwoLevelCache cache, String key, Duration ttl) throws LookupException {
        return cache.get("author", key(key), ttl, () -> {
            sourceCalls.incrementAndGet();
            return TextNode.valueOf("value of " + key);
        });
    }

    private double count(String name, String... tags) {
        return registry.get(name).tags(tags).counter().count();
    }

    private double rate(String level) {
        return registry.get("observer_cache_hit_rate").tag("level", level).gauge().value();
    }

    private void advance(Duration duration) {
        nanos.addAndGet(duration.toNanos());
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aHotKeyIsServedFromMemoryAfterTheFirstLoad() throws LookupException {
        TwoLevelCache cache = cache(100);

        for (int i = 0; i < 4; i++) {
            assertThat(get(cache, "hot", TTL).textValue()).isEqualTo("value of hot");
        }

        assertThat(sourceCalls).hasValue(1);
        assertThat(count("observer_cache_hits_total", "level", "local")).isEqualTo(3);
        assertThat(count("observer_cache_hits_total", "level", "redis")).isZero();
        assertThat(count("observer_cache_misses_total")).isEqualTo(1);
        assertThat(rate("all")).isEqualTo(0.75);
        assertThat(rate("local")).isEqualTo(0.75);
        assertThat(rate("redis")).isZero();
    }

    @Test
    void afterTheMemoryTtlTheResultComesFromRedisNotFromTheSource() throws LookupException {
        TwoLevelCache cache = cache(100);
        get(cache, "warm", TTL);

        advance(LOCAL_TTL.plusSeconds(1));
        JsonNode again = get(cache, "warm", TTL);

        assertThat(again.textValue()).isEqualTo("value of warm");
        assertThat(sourceCalls).hasValue(1);
        assertThat(count("observer_cache_hits_total", "level", "redis")).isEqualTo(1);
        assertThat(rate("redis")).isEqualTo(0.5);
    }

    @Test
    void anotherDaemonReadsWhatThisOneStoredInRedisUnderTheLookupsTtl() throws LookupException {
        get(cache(100), "shared", Duration.ofSeconds(300));

        JsonNode elsewhere = get(cache(100), "shared", Duration.ofSeconds(300));

        assertThat(elsewhere.textValue()).isEqualTo("value of shared");
        assertThat(sourceCalls).hasValue(1);
        assertThat(redis.getBucket(key("shared"), StringCodec.INSTANCE).get()).isEqualTo("\"value of shared\"");
        assertThat(redis.getBucket(key("shared")).remainTimeToLive()).isCloseTo(300_000L, within(10_000L));
    }

    @Test
    void aLookupTtlShorterThanTheMemoryTtlBoundsTheStayInMemory() throws LookupException {
        TwoLevelCache cache = cache(100);
        get(cache, "brief", Duration.ofSeconds(2));

        advance(Duration.ofSeconds(3));
        get(cache, "brief", Duration.ofSeconds(2));

        assertThat(count("observer_cache_hits_total", "level", "local")).isZero();
    }

    @Test
    void memoryIsBoundedAndItsEvictionsAreCounted() throws LookupException {
        TwoLevelCache cache = cache(3);

        for (int i = 0; i < 10; i++) {
            get(cache, "bounded-" + i, TTL);
        }
        cache.cleanUp();

        assertThat(cache.localSize()).isEqualTo(3);
        assertThat(count("observer_cache_evictions_total", "cause", "size")).isEqualTo(7);
    }

    @Test
    void expiredResultsLeaveMemoryAndAreCounted() throws LookupException {
        TwoLevelCache cache = cache(100);
        get(cache, "fading-1", TTL);
        get(cache, "fading-2", TTL);

        advance(LOCAL_TTL.plusMillis(1));
        cache.cleanUp();

        assertThat(cache.localSize()).isZero();
        assertThat(count("observer_cache_evictions_total", "cause", "expired")).isEqualTo(2);
    }

    @Test
    void aNullResultIsCachedLikeAnyOther() throws LookupException {
        TwoLevelCache cache = cache(100);
        LookupCache.Loader none = () -> {
            sourceCalls.incrementAndGet();
            return NullNode.getInstance();
        };

        cache.get("author", key("nobody"), TTL, none);
        JsonNode fromMemory = cache.get("author", key("nobody"), TTL, none);
        JsonNode fromRedis = cache(100).get("author", key("nobody"), TTL, none);

        assertThat(List.of(fromMemory, fromRedis)).allMatch(JsonNode::isNull);
        assertThat(sourceCalls).hasValue(1);
    }

    @Test
    void failuresAreNotCached() throws LookupException {
        TwoLevelCache cache = cache(100);

        assertThatThrownBy(() -> cache.get("author", key("flaky"), TTL, () -> {
            throw new LookupException("author", "the query failed");
        })).isInstanceOf(LookupException.class).hasMessage("lookup author: the query failed");
        JsonNode recovered = get(cache, "flaky", TTL);

        assertThat(recovered.textValue()).isEqualTo("value of flaky");
        assertThat(sourceCalls).hasValue(1);
    }

    @Test
    void concurrentMissesLoadOnceAndAllSeeTheOneFailure() throws Exception {
        TwoLevelCache cache = cache(100);
        CountDownLatch release = new CountDownLatch(1);
        int callers = 20;
        List<Future<JsonNode>> results = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < callers; i++) {
                results.add(threads.submit(() -> cache.get("author", key("herd"), TTL, () -> {
                    sourceCalls.incrementAndGet();
                    awaitQuietly(release);
                    throw new LookupException("author", "GET http://api:80 answered HTTP 503");
                })));
            }
            await().until(() -> count("observer_cache_coalesced_total") == callers - 1);
            release.countDown();
        }

        assertThat(sourceCalls).hasValue(1);
        assertThat(results).allSatisfy(result -> assertThatThrownBy(result::get)
                .hasCauseInstanceOf(LookupException.class)
                .cause().hasMessage("lookup author: GET http://api:80 answered HTTP 503"));
    }
}

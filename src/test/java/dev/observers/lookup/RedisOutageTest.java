package dev.observers.lookup;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.observers.config.RedisUrl;
import dev.observers.redis.RedisClients;
import dev.observers.testing.TestServers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Redis stops and comes back under a running cache: no lookup fails, the outage is logged once. */
class RedisOutageTest {

    private static final Duration REDIS_TIMEOUT = Duration.ofMillis(300);

    private final AtomicLong nanos = new AtomicLong();
    private final Ticker ticker = nanos::get;
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final String prefix = TestServers.namespace(RedisOutageTest.class) + ":";
    private redis.embedded.RedisServer server;
    private RedissonClient client;
    private LookupServer api;
    private HttpLookupSource http;

    @BeforeEach
    void start() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        server = redis.embedded.RedisServer.newRedisServer().port(port).bind("127.0.0.1")
                .setting("save \"\"").setting("appendonly no").build();
        server.start();
        client = RedisClients.create(new RedisUrl(false, "127.0.0.1", port, 0, Optional.empty(), Optional.empty()));
        api = new LookupServer();
        http = new HttpLookupSource(Duration.ofSeconds(2), Duration.ofSeconds(2));
    }

    @AfterEach
    void stop() throws IOException {
        http.close();
        api.close();
        client.shutdown();
        if (server.isActive()) {
            server.stop();
        }
    }

    private Lookups lookups(TwoLevelCache cache) {
        return new Lookups(cache, request -> http.fetch((LookupRequest.HttpGet) request), prefix,
                Duration.ofSeconds(60));
    }

    private TwoLevelCache cache(SimpleMeterRegistry registry) {
        return new TwoLevelCache(1000, Duration.ofSeconds(5),
                Optional.of(new RedisLevel(client, REDIS_TIMEOUT, ticker, log::add)), registry, ticker);
    }

    private String weather(Lookups lookups, String city) throws LookupException {
        List<LookupDefinition> definitions = List.of(new LookupDefinition.Http("weather",
                api.url("/weather/{{ data.city }}"), Map.of(), Optional.empty()));
        return lookups.resolve(LookupEvents.post("{\"city\": \"" + city + "\"}"), definitions)
                .get("weather").get("path").textValue();
    }

    @Test
    void lookupsKeepWorkingWhileRedisIsDownAndShareThroughItOnceItIsBack() throws Exception {
        Lookups lookups = lookups(cache(new SimpleMeterRegistry()));
        assertThat(weather(lookups, "Lisbon")).isEqualTo("/weather/Lisbon");

        server.stop();
        long started = System.nanoTime();
        assertThat(weather(lookups, "Lisbon")).isEqualTo("/weather/Lisbon");
        for (int i = 0; i < 20; i++) {
            assertThat(weather(lookups, "City" + i)).isEqualTo("/weather/City" + i);
        }
        Duration tookWhileDown = Duration.ofNanos(System.nanoTime() - started);

        assertThat(api.count("/weather/Lisbon")).isEqualTo(1);
        assertThat(api.total()).isEqualTo(21);
        assertThat(tookWhileDown).isLessThan(REDIS_TIMEOUT.multipliedBy(5));
        assertThat(log).singleElement().asString().startsWith("Redis is unavailable for the lookup cache (");

        server.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            nanos.addAndGet(RedisLevel.RETRY_AFTER.toNanos());
            weather(lookups, "Porto");
            return log.size() == 2;
        });
        assertThat(log.get(1)).isEqualTo("Redis answers again: lookup results are shared through it once more");

        SimpleMeterRegistry elsewhere = new SimpleMeterRegistry();
        int calls = api.total();
        assertThat(weather(lookups(cache(elsewhere)), "Porto")).isEqualTo("/weather/Porto");
        assertThat(api.total()).isEqualTo(calls);
        assertThat(elsewhere.get("observer_cache_hits_total").tag("level", "redis").counter().count()).isEqualTo(1);
    }
}

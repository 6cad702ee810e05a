package dev.observers.lookup;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.observers.action.EventJson;
import dev.observers.action.Template;
import dev.observers.changelog.ChangeEvent;
import dev.observers.config.RedisUrl;
import dev.observers.config.TestConfigs;
import dev.observers.observer.condition.ConditionParser;
import dev.observers.observer.condition.Outcome;
import dev.observers.redis.RedisClients;
import dev.observers.testing.TestServers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.mutiny.sqlclient.Pool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pipeline's entry point against a real PostgreSQL, HTTP server and Redis, as the daemon builds it. */
class LookupsTest {

    private static Pool pool;
    private static RedissonClient redis;
    private static String ns;
    private static LookupServer api;
    private SimpleMeterRegistry registry;
    private Lookups lookups;

    @BeforeAll
    static void servers() throws IOException {
        pool = TestServers.pool(TestServers.newDatabase(LookupsTest.class));
        pool.query("""
                CREATE SCHEMA blog;
                CREATE TABLE blog.tb_user (id bigint PRIMARY KEY, name text, email text);
                INSERT INTO blog.tb_user VALUES (42, 'Ada', 'ada@example.com');
                """).executeAndAwait();
        RedisUrl url = TestServers.redis();
        redis = RedisClients.create(url);
        ns = TestServers.namespace(LookupsTest.class);
        api = new LookupServer();
    }

    @AfterAll
    static void close() {
        api.close();
        redis.getKeys().getKeysStreamByPattern(ns + ":*").forEach(k -> redis.getKeys().unlink(k));
        redis.shutdown();
        pool.closeAndAwait();
    }

    @BeforeEach
    void create() {
        api.reset();
        registry = new SimpleMeterRegistry();
        lookups = Lookups.create(TestConfigs.of(Map.of("observers.redis.key-prefix", ns + ":",
                "observers.lookup.timeout-ms", "2000")), pool, java.util.Optional.of(redis), registry);
    }

    @AfterEach
    void closeLookups() throws Exception {
        lookups.close();
    }

    private static List<LookupDefinition> authorAndWeather(String weatherPath) {
        return List.of(
                new LookupDefinition.Sql("author", "SELECT name, email FROM blog.tb_user WHERE id = $1",
                        List.of(EventPath.parse("data.fk_author")), Optional.empty()),
                new LookupDefinition.Http("weather", api.url(weatherPath + "/{{ data.city }}"), Map.of(),
                        Optional.of(Duration.ofSeconds(30))));
    }

    @Test
    void resultsAreFoundUnderTheLookupNamesByConditionsAndTemplates() throws LookupException {
        ChangeEvent event = LookupEvents.post("{\"fk_author\": 42, \"city\": \"Lisbon\", \"title\": \"Hello\"}");

        ObjectNode results = lookups.resolve(event, authorAndWeather("/weather"));
        ChangeEvent enriched = Lookups.withResults(event, results);

        assertThat(EventJson.text(results)).isEqualTo("{\"author\":{\"name\":\"Ada\",\"email\":\"ada@example.com\"},"
                + "\"weather\":{\"path\":\"/weather/Lisbon\"}}");
        assertThat(ConditionParser.parse("author.name == Ada && weather.path == '/weather/Lisbon'")
                .evaluate(enriched)).isEqualTo(Outcome.TRUE);
        assertThat(Template.compile("{{ data.author.name }} wrote {{ title }} in {{ data.weather.path }}")
                .render(EventJson.of(enriched))).isEqualTo("Ada wrote Hello in /weather/Lisbon");
        assertThat(event.data().has("author")).isFalse();
    }

    @Test
    void concurrentEventsNeedingTheSameResultCallTheSourceOnce() throws Exception {
        api.delay(Duration.ofMillis(300));
        List<LookupDefinition> weather = List.of(new LookupDefinition.Http("weather",
                api.url("/herd/{{ data.city }}"), Map.of(), Optional.empty()));
        int events = 50;

        List<Future<ObjectNode>> results = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < events; i++) {
                ChangeEvent event = LookupEvents.post("{\"city\": \"Porto\"}");
                results.add(threads.submit(() -> lookups.resolve(event, weather)));
            }
        }

        assertThat(api.count("/herd/Porto")).isEqualTo(1);
        for (Future<ObjectNode> result : results) {
            assertThat(result.get().get("weather").get("path").textValue()).isEqualTo("/herd/Porto");
        }
        assertThat(registry.get("observer_cache_misses_total").counter().count()).isEqualTo(1);
    }

    @Test
    void aHotKeyIsServedFromMemoryAndTheHitRateSaysSo() throws LookupException {
        for (int i = 0; i < 10; i++) {
            lookups.resolve(LookupEvents.post("{\"fk_author\": 42, \"city\": \"Faro\"}"), authorAndWeather("/hot"));
        }

        assertThat(api.count("/hot/Faro")).isEqualTo(1);
        assertThat(registry.get("observer_cache_hits_total").tag("level", "local").counter().count()).isEqualTo(18);
        assertThat(registry.get("observer_cache_hit_rate").tag("level", "all").gauge().value()).isEqualTo(0.9);
        assertThat(registry.get("observer_cache_evictions_total").tag("cause", "size").counter().count()).isZero();
    }

    @Test
    void aResultIsTheCallersToChange() throws LookupException {
        List<LookupDefinition> weather = List.of(new LookupDefinition.Http("weather",
                api.url("/mutable/{{ data.city }}"), Map.of(), Optional.empty()));
        ChangeEvent event = LookupEvents.post("{\"city\": \"Braga\"}");

        ((ObjectNode) lookups.resolve(event, weather).get("weather")).put("path", "changed");

        assertThat(lookups.resolve(event, weather).get("weather").get("path").textValue())
                .isEqualTo("/mutable/Braga");
    }

    @Test
    void aFailureNamesTheLookupAndTheEventAndIsNotCached() throws LookupException {
        api.answer(path -> new LookupServer.Answer(502, "text/plain", "upstream down"));
        ChangeEvent event = LookupEvents.post("{\"fk_author\": 42, \"city\": \"Evora\"}");

        assertThatThrownBy(() -> lookups.resolve(event, authorAndWeather("/failing")))
                .isInstanceOf(LookupException.class)
                .hasMessage("lookup weather: GET " + api.url("") + " answered HTTP 502: upstream down (event "
                        + event.id() + ")")
                .extracting(e -> ((LookupException) e).lookup()).isEqualTo("weather");

        api.reset();
        assertThat(lookups.resolve(event, authorAndWeather("/failing")).get("weather").get("path").textValue())
                .isEqualTo("/failing/Evora");
    }

    @Test
    void anObserverWithoutLookupsGetsAnEmptyObjectAndTheEventUnchanged() throws LookupException {
        ChangeEvent event = LookupEvents.post("{\"city\": \"Lagos\"}");

        ObjectNode results = lookups.resolve(event, List.of());

        assertThat(results.isEmpty()).isTrue();
        assertThat(Lookups.withResults(event, results)).isSameAs(event);
    }
}

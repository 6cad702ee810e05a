package dev.observers.action;

import dev.observers.redis.RedisClients;
import dev.observers.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RBatch;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

import java.net.ServerSocket;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class CacheActionTest {

    private static RedissonClient redis;
    private static String ns;

    @BeforeAll
    static void connect() {
        redis = RedisClients.create(TestServers.redis());
        ns = TestServers.namespace(CacheActionTest.class);
    }

    @AfterAll
    static void disconnect() {
        clean();
        redis.shutdown();
    }

    @BeforeEach
    void cleanBefore() {
        clean();
    }

    private static void clean() {
        redis.getKeys().getKeysStreamByPattern(ns + ":*").forEach(k -> redis.getKeys().unlink(k));
    }

    private static void put(String... suffixes) {
        RBatch batch = redis.createBatch();
        for (String suffix : suffixes) {
            batch.getBucket(ns + ":" + suffix, StringCodec.INSTANCE).setAsync("v");
        }
        batch.execute();
    }

    private static Set<String> remaining() {
        return redis.getKeys().getKeysStreamByPattern(ns + ":*")
                .map(k -> k.substring(ns.length() + 1))
                .collect(Collectors.toSet());
    }

    private static CacheAction cache(String... patterns) {
        return CacheAction.from(new ActionConfig.Cache(List.of(patterns), "invalidate", OptionalLong.empty()), redis);
    }

    private static void run(CacheAction action, String dataJson) throws Exception {
        action.execute(Events.insert(dataJson), Events.invocation());
    }

    @Test
    void deletesTheKeyEachPatternNames() throws Exception {
        put("post:1", "post:2", "feed:1", "feed:2");
        run(cache(ns + ":post:{{ data.id }}", ns + ":feed:{{ id }}"), "{\"id\": 1}");

        assertThat(remaining()).containsExactlyInAnyOrder("post:2", "feed:2");
    }

    @Test
    void aStarOrQuestionMarkInAValueDeletesOnlyThatLiteralKey() throws Exception {
        put("post:*", "post:1", "post:a?c", "post:abc", "post:x[ab]", "post:xa");
        run(cache(ns + ":post:{{ data.id }}"), "{\"id\": \"*\"}");
        run(cache(ns + ":post:{{ data.id }}"), "{\"id\": \"a?c\"}");
        run(cache(ns + ":post:{{ data.id }}"), "{\"id\": \"x[ab]\"}");

        assertThat(remaining()).containsExactlyInAnyOrder("post:1", "post:abc", "post:xa");
    }

    @Test
    void theOperatorsGlobMatchesWhileTheValueStaysLiteral() throws Exception {
        put("post:*:title", "post:*:body", "post:1:title", "post:1:body", "post:a?:x", "post:ab:x");
        run(cache(ns + ":post:{{ data.id }}:*"), "{\"id\": \"*\"}");
        run(cache(ns + ":post:{{ data.id }}:*"), "{\"id\": \"a?\"}");

        assertThat(remaining()).containsExactlyInAnyOrder("post:1:title", "post:1:body", "post:ab:x");
    }

    @Test
    void aGlobDeletesEveryMatchAcrossManyScanPages() throws Exception {
        String[] many = new String[CacheAction.BATCH * 2 + 17];
        for (int i = 0; i < many.length; i++) {
            many[i] = "list:" + i;
        }
        put(many);
        put("lists", "other:1");
        run(cache(ns + ":list:*"), "{}");

        assertThat(remaining()).containsExactlyInAnyOrder("lists", "other:1");
    }

    @Test
    void aMissingValueFailsPermanentlyWithoutDeletingAnything() {
        put("post:1", "post:2");
        ActionFailure failure = catchThrowableOfType(ActionFailure.class,
                () -> run(cache(ns + ":post:{{ data.id }}*"), "{\"title\": \"no id\"}"));

        assertThat(failure.kind()).isEqualTo(ActionFailure.Kind.PERMANENT);
        assertThat(failure.getMessage()).contains("{{ data.id }}");
        assertThat(remaining()).containsExactlyInAnyOrder("post:1", "post:2");
    }

    @Test
    void anUnreachableRedisIsTransient() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Config config = new Config().setLazyInitialization(true);
        config.useSingleServer().setAddress("redis://127.0.0.1:" + closedPort)
                .setConnectTimeout(300).setTimeout(300).setRetryAttempts(0);
        RedissonClient down = Redisson.create(config);
        try {
            CacheAction action = CacheAction.from(new ActionConfig.Cache(List.of("k:{{ data.id }}"), "invalidate",
                    OptionalLong.empty()), down);
            ActionFailure failure = catchThrowableOfType(ActionFailure.class, () -> run(action, "{\"id\": 1}"));
            assertThat(failure.kind()).isEqualTo(ActionFailure.Kind.TRANSIENT);
        } finally {
            down.shutdown();
        }
    }

    @Test
    void unknownActionsAndEmptyPatternListsAreRefused() {
        assertThatThrownBy(() -> CacheAction.from(new ActionConfig.Cache(List.of("k"), "warm", OptionalLong.empty()),
                redis)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'warm'");
        assertThatThrownBy(() -> CacheAction.from(new ActionConfig.Cache(List.of(), "invalidate", OptionalLong.empty()),
                redis)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key_pattern");
        assertThat(new HashSet<>(List.of("refresh", "delete", "INVALIDATE"))).allSatisfy(a ->
                assertThat(CacheAction.from(new ActionConfig.Cache(List.of("k"), a, OptionalLong.empty()), redis))
                        .isNotNull());
    }
}

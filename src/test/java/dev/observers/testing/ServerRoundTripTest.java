package dev.observers.testing;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import dev.observers.config.PgUrl;
import dev.observers.redis.RedisClients;
import dev.observers.search.SearchClients;
import io.vertx.mutiny.sqlclient.Pool;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Each real server the harness provides answers a round trip through the client the daemon uses. */
class ServerRoundTripTest {




    @Test
    void postgresAnswersThroughTheReactiveClient() {
        PgUrl url = TestServers.newDatabase(ServerRoundTripTest.class);
        Pool pool = TestServers.pool(url);
        try {
            var row = pool.query("SELECT current_database() AS db, 40 + 2 AS answer").execute()
                    .await().indefinitely().iterator().next();
            assertThat(row.getString("db")).isEqualTo(url.database());
            assertThat(row.getInteger("answer")).isEqualTo(42);
        } finally {
            pool.closeAndAwait();
        }
    }

    @Test
    void redisStoresAndReturnsAValueThroughRedisson() {
        RedissonClient redis = RedisClients.create(TestServers.redis());
        try {
            String key = TestServers.namespace(ServerRoundTripTest.class) + ":greeting";
            redis.<String>getBucket(key, StringCodec.INSTANCE).set("hello");
            assertThat(redis.<String>getBucket(key, StringCodec.INSTANCE).get()).isEqualTo("hello");
            assertThat(redis.getBucket(key).delete()).isTrue();
        } finally {
            redis.shutdown();
        }
    }

    @Test
    void elasticsearchIndexesAndFindsADocument() throws Exception {
        ElasticsearchClient es = SearchClients.create(TestServers.elasticsearch());
        String index = TestServers.namespace(ServerRoundTripTest.class) + "-events";
        try {
            es.index(i -> i.index(index).id("1").document(Map.of("object_type", "Post", "n", 1)).refresh(
                    co.elastic.clients.elasticsearch._types.Refresh.True));
            var got = es.get(g -> g.index(index).id("1"), Map.class);
            assertThat(got.found()).isTrue();
            assertThat(got.source()).containsEntry("object_type", "Post");
            var hits = es.search(s -> s.index(index).query(q -> q.term(t -> t.field("object_type.keyword").value("Post"))),
                    Map.class);
            assertThat(hits.hits().total().value()).isEqualTo(1);
        } finally {
            es.indices().delete(d -> d.index(index).ignoreUnavailable(true));
            es._transport().close();
        }
    }
}

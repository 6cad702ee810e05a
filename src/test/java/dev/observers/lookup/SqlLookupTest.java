package dev.observers.lookup;

import com.fasterxml.jackson.databind.JsonNode;
import dev.observers.action.EventJson;
import dev.observers.testing.TestServers;
import io.vertx.mutiny.sqlclient.Pool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SqlLookupTest {

    private static Pool pool;
    private static SqlLookupSource source;

    @BeforeAll
    static void database() {
        pool = TestServers.pool(TestServers.newDatabase(SqlLookupTest.class));
        pool.query("""
                CREATE SCHEMA blog;
                CREATE TABLE blog.tb_user (id bigint PRIMARY KEY, name text, email text, org uuid, joined timestamptz,
                                           karma numeric, prefs jsonb, roles text[]);
                INSERT INTO blog.tb_user VALUES
                  (42, 'Ada', 'ada@example.com', '7d1c3c4e-2a9b-4f7e-8c6d-5e4f3a2b1c0d', '2026-01-02T03:04:05Z',
                   12.50, '{"theme": "dark"}', '{admin,editor}'),
                  (43, 'Grace', NULL, '7d1c3c4e-2a9b-4f7e-8c6d-5e4f3a2b1c0d', NULL, NULL, NULL, NULL);
                """).executeAndAwait();
        source = new SqlLookupSource(pool, Duration.ofSeconds(5));
    }

    @AfterAll
    static void close() {
        pool.closeAndAwait();
    }

    private static JsonNode fetch(String query, String dataJson, String... params) throws LookupException {
        LookupDefinition lookup = new LookupDefinition.Sql("author", query,
                List.of(params).stream().map(EventPath::parse).toList(), Optional.empty());
        return source.fetch((LookupRequest.SqlQuery) LookupRequest.render(lookup,
                EventJson.of(LookupEvents.post(dataJson))));
    }

    @Test
    void oneRowIsAnObjectOfItsColumns() throws Exception {
        JsonNode author = fetch("SELECT name, email, org, joined, karma, prefs, roles FROM blog.tb_user WHERE id = $1",
                "{\"fk_author\": 42}", "data.fk_author");

        assertThat(EventJson.text(author)).isEqualTo("{\"name\":\"Ada\",\"email\":\"ada@example.com\","
                + "\"org\":\"7d1c3c4e-2a9b-4f7e-8c6d-5e4f3a2b1c0d\",\"joined\":\"2026-01-02T03:04:05Z\","
                + "\"karma\":12.50,\"prefs\":{\"theme\":\"dark\"},\"roles\":[\"admin\",\"editor\"]}");
    }

    @Test
    void noRowIsNullAndSeveralRowsAreAnArray() throws Exception {
        assertThat(fetch("SELECT name FROM blog.tb_user WHERE id = $1", "{\"fk_author\": 7}", "fk_author").isNull())
                .isTrue();
        assertThat(EventJson.text(fetch("SELECT id, email FROM blog.tb_user WHERE org = $1 ORDER BY id", "{}",
                "entity_id"))).isEqualTo("[{\"id\":42,\"email\":\"ada@example.com\"},{\"id\":43,\"email\":null}]");
    }

    @Test
    void aFailingQueryNamesTheLookupAndTheDatabaseError() {
        assertThatThrownBy(() -> fetch("SELECT name FROM blog.nope WHERE id = $1", "{\"fk_author\": 42}", "fk_author"))
                .isInstanceOf(LookupException.class)
                .hasMessage("lookup author: the query failed: relation \"blog.nope\" does not exist (SQLSTATE 42P01)");
    }

    @Test
    void aSlowQueryFailsAtTheTimeout() {
        SqlLookupSource impatient = new SqlLookupSource(pool, Duration.ofMillis(200));
        LookupRequest.SqlQuery request = new LookupRequest.SqlQuery("author", "SELECT pg_sleep(2)", List.of());

        assertThatThrownBy(() -> impatient.fetch(request))
                .isInstanceOf(LookupException.class)
                .hasMessage("lookup author: the query did not answer within 200 ms");
    }
}

package dev.observers.action;

import com.fasterxml.jackson.databind.JsonNode;
import dev.observers.changelog.ChangeEvent;
import dev.observers.config.PgUrl;
import dev.observers.postgres.Postgres;
import dev.observers.testing.PostgresServer;
import dev.observers.testing.TestServers;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class DatabaseActionTest {

    private static Vertx vertx;
    private static Pool pool;
    private static PgUrl url;

    @BeforeAll
    static void database() throws SQLException {
        url = TestServers.newDatabase(DatabaseActionTest.class);
        vertx = Vertx.vertx();
        pool = Pool.newInstance(PgBuilder.pool().connectingTo(Postgres.connectOptions(url))
                .using(vertx.getDelegate()).build());
        sql("""
                CREATE SCHEMA audit;
                CREATE TABLE audit.seen (payload jsonb NOT NULL);
                CREATE FUNCTION audit.record_event(p jsonb) RETURNS void LANGUAGE sql
                    AS $$ INSERT INTO audit.seen VALUES (p) $$;
                CREATE FUNCTION refuse(p jsonb) RETURNS void LANGUAGE plpgsql
                    AS $$ BEGIN RAISE EXCEPTION 'post % is locked', p->'event'->'data'->>'title'; END $$;
                CREATE FUNCTION conflict(p jsonb) RETURNS void LANGUAGE plpgsql
                    AS $$ BEGIN RAISE EXCEPTION 'try again' USING ERRCODE = 'serialization_failure'; END $$;
                CREATE FUNCTION linger(p jsonb) RETURNS void LANGUAGE sql AS $$ SELECT pg_sleep(5) $$;
                """);
    }

    @AfterAll
    static void close() {
        pool.closeAndAwait();
        vertx.closeAndAwait();
    }

    private static void sql(String statements) throws SQLException {
        try (Connection c = PostgresServer.connect(url); Statement s = c.createStatement()) {
            s.execute(statements);
        }
    }

    private static List<JsonNode> seen() throws SQLException {
        List<JsonNode> out = new ArrayList<>();
        try (Connection c = PostgresServer.connect(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT payload::text FROM audit.seen")) {
            while (rs.next()) {
                out.add(Events.parse(rs.getString(1)));
            }
        }
        return out;
    }

    private static DatabaseAction call(String function, Map<String, Object> params) {
        return DatabaseAction.from(new ActionConfig.Database(function, params, OptionalLong.empty()), pool);
    }

    @Test
    void callsTheFunctionWithTheEventAndParams() throws Exception {
        sql("TRUNCATE audit.seen");
        ChangeEvent event = Events.postUpdate("{\"title\": \"Hello\", \"status\": \"published\"}");
        call("audit.record_event", Map.of("channel", "posts", "priority", 2)).execute(event, Events.invocation());

        assertThat(seen()).singleElement().satisfies(payload -> {
            assertThat(payload.get("event")).isEqualTo(EventJson.of(event));
            assertThat(payload.get("params").get("channel").asText()).isEqualTo("posts");
            assertThat(payload.get("params").get("priority").asInt()).isEqualTo(2);
        });
    }

    @Test
    void namesFoldToLowerCaseAsUnquotedSqlDoes() throws Exception {
        sql("TRUNCATE audit.seen");
        call("Audit.Record_Event", null).execute(Events.insert("{}"), Events.invocation());

        assertThat(seen()).singleElement().satisfies(p -> assertThat(p.get("params").isEmpty()).isTrue());
    }

    @Test
    void aRaisedExceptionIsPermanentAndQuoted() {
        ActionFailure failure = catchThrowableOfType(ActionFailure.class, () -> call("refuse", Map.of())
                .execute(Events.postUpdate("{\"title\": \"Hello\", \"status\": \"published\"}"), Events.invocation()));
        assertThat(failure.kind()).isEqualTo(ActionFailure.Kind.PERMANENT);
        assertThat(failure.errorType()).isEqualTo("sql_P0");
        assertThat(failure.getMessage()).contains("refuse", "P0001", "post Hello is locked");
    }

    @Test
    void aMissingFunctionIsPermanent() {
        ActionFailure failure = catchThrowableOfType(ActionFailure.class,
                () -> call("public.no_such_function", Map.of()).execute(Events.insert("{}"), Events.invocation()));
        assertThat(failure.kind()).isEqualTo(ActionFailure.Kind.PERMANENT);
        assertThat(failure.errorType()).isEqualTo("sql_42");
        assertThat(failure.getMessage()).contains("42883");
    }

    @Test
    void aSerializationFailureIsTransient() {
        ActionFailure failure = catchThrowableOfType(ActionFailure.class,
                () -> call("conflict", Map.of()).execute(Events.insert("{}"), Events.invocation()));
        assertThat(failure.kind()).isEqualTo(ActionFailure.Kind.TRANSIENT);
        assertThat(failure.errorType()).isEqualTo("sql_40");
    }

    @Test
    void aFunctionRunningPastTheDeadlineIsCancelledAsTransient() throws Exception {
        long start = System.nanoTime();
        ActionFailure failure = catchThrowableOfType(ActionFailure.class,
                () -> call("linger", Map.of()).execute(Events.insert("{}"), Events.invocation(Duration.ofMillis(500))));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
        assertThat(failure.kind()).isEqualTo(ActionFailure.Kind.TRANSIENT);
        assertThat(failure.errorType()).isEqualTo("timeout");
        try (Connection c = PostgresServer.connect(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%linger%'"
                     + " AND state = 'active' AND pid <> pg_backend_pid()")) {
            rs.next();
            assertThat(rs.getInt(1)).isZero();
        }
    }

    @Test
    void anUnreachableDatabaseIsTransient() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Pool down = Pool.newInstance(PgBuilder.pool()
                .connectingTo(Postgres.connectOptions(new PgUrl("127.0.0.1", closedPort, "x", "x", Optional.empty(),
                        Map.of())))
                .using(vertx.getDelegate()).build());
        try {
            ActionFailure failure = catchThrowableOfType(ActionFailure.class, () -> DatabaseAction.from(
                    new ActionConfig.Database("audit.record_event", Map.of(), OptionalLong.empty()), down)
                    .execute(Events.insert("{}"), Events.invocation()));
            assertThat(failure.kind()).isEqualTo(ActionFailure.Kind.TRANSIENT);
            assertThat(failure.errorType()).isEqualTo("connect");
        } finally {
            down.closeAndAwait();
        }
    }

    @Test
    void anInterruptEndsTheCallPromptly() throws Exception {
        Thread caller = Thread.ofVirtual().unstarted(() -> {
            try {
                call("linger", Map.of()).execute(Events.insert("{}"), Events.invocation());
            } catch (InterruptedException e) {
                return;
            } catch (ActionFailure e) {
                throw new AssertionError("expected an interrupt, got " + e.getMessage());
            }
            throw new AssertionError("expected an interrupt, the call returned");
        });
        AtomicReference<Throwable> failed = new AtomicReference<>();
        caller.setUncaughtExceptionHandler((t, e) -> failed.set(e));
        caller.start();
        Thread.sleep(300);
        caller.interrupt();
        assertThat(caller.join(Duration.ofSeconds(2))).isTrue();
        assertThat(failed.get()).isNull();
    }

    @Test
    void functionNamesThatAreNotIdentifiersAreRefused() {
        for (String name : List.of("x; DROP TABLE audit.seen", "a.b.c", "1abc", "f()", "\"quoted\"", "", "a.")) {
            assertThatThrownBy(() -> call(name, Map.of()))
                    .as(name).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("function_name");
        }
    }

    @Test
    void quotesEachPartOfTheName() {
        assertThat(DatabaseAction.quoted("Audit.Record_Event")).isEqualTo("\"audit\".\"record_event\"");
        assertThat(DatabaseAction.quoted("select")).isEqualTo("\"select\"");
    }
}

package dev.observers.observer;

import dev.observers.action.ActionConfig;
import dev.observers.changelog.EventKind;
import dev.observers.config.PgUrl;
import dev.observers.dispatch.BackoffStrategy;
import dev.observers.dispatch.FailurePolicy;
import dev.observers.dispatch.RetryPolicy;
import dev.observers.observer.condition.Outcome;
import dev.observers.postgres.Postgres;
import dev.observers.testing.PostgresServer;
import dev.observers.testing.TestServers;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TbObserverLoaderTest {

    /** FraiseQL's tb_observer as its migration creates it, in a schema of its own on the search_path. */
    private static final String FRAISEQL_TB_OBSERVER = """
            CREATE SCHEMA app;
            DO $$ BEGIN
              EXECUTE format('ALTER DATABASE %I SET search_path = app, public', current_database());
            END $$;
            CREATE TABLE app.tb_observer (
                pk_observer BIGSERIAL PRIMARY KEY,
                id UUID NOT NULL DEFAULT gen_random_uuid() UNIQUE,
                name VARCHAR(255) NOT NULL,
                description TEXT,
                entity_type VARCHAR(255),
                event_type VARCHAR(50),
                condition_expression TEXT,
                actions JSONB NOT NULL DEFAULT '[]'::jsonb,
                enabled BOOLEAN NOT NULL DEFAULT true,
                priority INTEGER NOT NULL DEFAULT 100,
                retry_config JSONB NOT NULL
                    DEFAULT '{"max_attempts": 3, "backoff": "exponential", "initial_delay_ms": 1000}'::jsonb,
                timeout_ms INTEGER NOT NULL DEFAULT 30000,
                fk_customer_org BIGINT,
                created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
                updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
                created_by VARCHAR(255),
                updated_by VARCHAR(255),
                deleted_at TIMESTAMPTZ,
                CONSTRAINT ck_observer_event_type CHECK (
                    event_type IS NULL OR event_type IN ('INSERT', 'UPDATE', 'DELETE', 'CUSTOM')),
                CONSTRAINT ck_observer_actions_array CHECK (jsonb_typeof(actions) = 'array'),
                CONSTRAINT ck_observer_timeout_positive CHECK (timeout_ms > 0));
            """;

    private static Vertx vertx;

    @BeforeAll
    static void vertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void close() {
        vertx.closeAndAwait();
    }

    @Test
    void aDatabaseWithoutTbObserverHasNoObservers() throws Exception {
        PgUrl url = TestServers.newDatabase(TbObserverLoaderTest.class);
        List<ObserverDefinition> loaded = withPool(url, pool -> {
            assertThat(new TbObserverLoader(pool).tableExists()).isFalse();
            return new TbObserverLoader(pool).load();
        });
        assertThat(loaded).isEmpty();
    }

    @Test
    void loadsEnabledRowsByPriorityWithFraiseqlDefaults() throws Exception {
        PgUrl url = database("""
                INSERT INTO tb_observer (name, entity_type, event_type, condition_expression, actions, timeout_ms,
                                         priority) VALUES
                  ('order_shipped', 'Order', 'UPDATE', 'field_changed_to(''status'', ''shipped'')',
                   '[{"type": "webhook", "url": "https://hooks.example.com/orders", "url_env": null,
                      "headers": null, "method": null},
                     {"type": "log", "message_template": "shipped {{ entity_id }}", "timeout_ms": 250}]',
                   5000, 10);
                INSERT INTO tb_observer (name, actions, retry_config) VALUES
                  ('everything', '[{"type": "log", "level": "debug", "message_template": "seen"}]',
                   '{"max_attempts": 2, "backoff_strategy": "fixed", "initial_delay_ms": 50}');
                INSERT INTO tb_observer (name, entity_type, event_type, actions, priority) VALUES
                  ('first', 'User', 'INSERT', '[{"type": "log", "message_template": "hi"}]', 1);
                INSERT INTO tb_observer (name, actions, enabled) VALUES
                  ('switched_off', '[{"type": "log", "message_template": "x"}]', false);
                INSERT INTO tb_observer (name, actions, deleted_at) VALUES
                  ('removed', '[{"type": "nonsense"}]', now());
                """);
        List<String> warnings = new ArrayList<>();

        List<ObserverDefinition> observers = withPool(url, pool -> new TbObserverLoader(pool, warnings::add).load());

        assertThat(observers).extracting(ObserverDefinition::name)
                .containsExactly("first", "order_shipped", "everything");
        ObserverDefinition shipped = observers.get(1);
        assertThat(shipped.origin()).isEqualTo("tb_observer:order_shipped");
        assertThat(shipped.entity()).isEqualTo("Order");
        assertThat(shipped.eventTypes()).containsExactly(EventKind.UPDATE);
        assertThat(shipped.evaluate(TestEvents.update("Order", "{\"status\": \"paid\"}", "{\"status\": \"shipped\"}")))
                .isEqualTo(Outcome.TRUE);
        assertThat(shipped.actions()).containsExactly(
                new ActionConfig.Webhook(Optional.of("https://hooks.example.com/orders"), Optional.empty(), "POST",
                        Map.of(), Optional.empty(), Optional.empty(), OptionalLong.of(5000)),
                new ActionConfig.Log("info", "shipped {{ entity_id }}", OptionalLong.of(250)));
        assertThat(shipped.retry()).isEqualTo(new RetryPolicy(3, 1000, 30_000, BackoffStrategy.EXPONENTIAL));
        assertThat(shipped.onFailure()).isEqualTo(FailurePolicy.LOG);
        assertThat(shipped.maxWait()).as("FraiseQL's table has no max_wait_ms").isEmpty();

        ObserverDefinition everything = observers.get(2);
        assertThat(everything.entity()).isEqualTo(ObserverDefinition.ALL_ENTITIES);
        assertThat(everything.eventTypes()).containsExactly(EventKind.values());
        assertThat(everything.condition()).isEmpty();
        assertThat(everything.retry()).isEqualTo(new RetryPolicy(2, 50, 30_000, BackoffStrategy.FIXED));
        assertThat(everything.actions()).containsExactly(new ActionConfig.Log("debug", "seen", OptionalLong.of(30000)));
        assertThat(observers.getFirst().eventTypes()).containsExactly(EventKind.INSERT);

        assertThat(warnings).containsExactly(
                "tb_observer:first: retry_config.backoff: FraiseQL's old name for backoff_strategy; read as"
                        + " backoff_strategy, rename it",
                "tb_observer:order_shipped: retry_config.backoff: FraiseQL's old name for backoff_strategy; read as"
                        + " backoff_strategy, rename it");
    }

    @Test
    void reportsTheProblemsOfEveryBadRowAtOnce() throws Exception {
        PgUrl url = database("""
                INSERT INTO tb_observer (name, condition_expression, actions, retry_config, fk_customer_org) VALUES
                  ('no_url', NULL, '[{"type": "log", "message_template": "ok"}, {"type": "webhook"}]',
                   '{"max_attempts": 3}', NULL),
                  ('bad_condition', 'status = shipped', '[{"type": "log", "message_template": "x"}]',
                   '{"backoff": "linear", "backoff_strategy": "fixed"}', NULL),
                  ('typo', NULL, '[{"type": "log", "messge_template": "x"}]', '{"max_attempt": 3}', NULL),
                  ('tenant', NULL, '[{"type": "log", "message_template": "x"}]', '{}', 42),
                  ('secret', NULL, '[{"type": "webhook", "url": "https://x.example", "signing_secret": "s"}]',
                   '{}', NULL),
                  ('nothing', NULL, '[]', '{}', NULL),
                  ('fine', NULL, '[{"type": "log", "message_template": "x"}]', '{}', NULL);
                """);

        assertThatThrownBy(() -> withPool(url, pool -> new TbObserverLoader(pool, w -> { }).load()))
                .isInstanceOfSatisfying(ObserverConfigException.class, e -> assertThat(e.problems())
                        .map(ObserverProblem::toString).containsExactly(
                                "tb_observer:no_url: actions[1].url: webhook needs url or url_env",
                                "tb_observer:bad_condition: condition_expression: at column 8 of the condition:"
                                        + " expected one of == != > < >= <=, got '='",
                                "tb_observer:bad_condition: retry_config.backoff: set backoff_strategy only; backoff"
                                        + " is FraiseQL's old name for it",
                                "tb_observer:typo: actions[0].messge_template: unknown field (did you mean"
                                        + " 'message_template'?); expected one of type, timeout_ms, level,"
                                        + " message_template",
                                "tb_observer:typo: actions[0].message_template: required: the line to log, with"
                                        + " {{ field }} placeholders",
                                "tb_observer:typo: retry_config.max_attempt: unknown field (did you mean"
                                        + " 'max_attempts'?); expected one of max_attempts, initial_delay_ms,"
                                        + " max_delay_ms, backoff_strategy, backoff",
                                "tb_observer:tenant: fk_customer_org: tenant-scoped observers are not supported:"
                                        + " this daemon would run it for every tenant's events; give it a tenant"
                                        + " condition and clear fk_customer_org, or disable it",
                                "tb_observer:secret: actions[0].signing_secret: a literal signing_secret is not"
                                        + " supported: put the secret in an environment variable and name it in"
                                        + " signing_secret_env",
                                "tb_observer:nothing: actions: expected at least one action; an observer without"
                                        + " actions does nothing"));
    }

    @Test
    void aMaxWaitMsColumnBoundsTheObserversBreakerWait() throws Exception {
        PgUrl url = database("""
                ALTER TABLE tb_observer ADD COLUMN max_wait_ms INTEGER;
                INSERT INTO tb_observer (name, actions, max_wait_ms) VALUES
                  ('bounded', '[{"type": "log", "message_template": "x"}]', 1500),
                  ('unbounded', '[{"type": "log", "message_template": "x"}]', NULL);
                """);

        List<ObserverDefinition> observers = withPool(url, pool -> new TbObserverLoader(pool, w -> { }).load());

        assertThat(observers).extracting(ObserverDefinition::maxWait)
                .containsExactly(Optional.of(java.time.Duration.ofMillis(1500)), Optional.empty());
        PgUrl bad = database("""
                ALTER TABLE tb_observer ADD COLUMN max_wait_ms INTEGER;
                INSERT INTO tb_observer (name, actions, max_wait_ms) VALUES
                  ('negative', '[{"type": "log", "message_template": "x"}]', -5);
                """);
        assertThatThrownBy(() -> withPool(bad, pool -> new TbObserverLoader(pool, w -> { }).load()))
                .isInstanceOfSatisfying(ObserverConfigException.class, e -> assertThat(e.problems())
                        .map(ObserverProblem::toString).containsExactly("tb_observer:negative: max_wait_ms: expected"
                                + " a whole number of at least 1, got the number -5"));
    }

    private static PgUrl database(String rows) throws SQLException {
        PgUrl url = TestServers.newDatabase(TbObserverLoaderTest.class);
        try (Connection c = PostgresServer.connect(url); Statement s = c.createStatement()) {
            s.execute(FRAISEQL_TB_OBSERVER);
        }
        try (Connection c = PostgresServer.connect(url); Statement s = c.createStatement()) {
            s.execute(rows);
        }
        return url;
    }

    private static <T> T withPool(PgUrl url, Function<Pool, T> work) {
        Pool pool = Pool.newInstance(PgBuilder.pool().connectingTo(Postgres.connectOptions(url))
                .using(vertx.getDelegate()).build());
        try {
            return work.apply(pool);
        } finally {
            pool.closeAndAwait();
        }
    }
}

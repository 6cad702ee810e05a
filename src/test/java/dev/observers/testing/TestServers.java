package dev.observers.testing;

import dev.observers.config.AmqpUrl;
import dev.observers.config.HttpUrl;
import dev.observers.config.PgUrl;
import dev.observers.config.RedisUrl;
import dev.observers.postgres.Migrator;
import dev.observers.postgres.Postgres;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.PoolOptions;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real servers for integration tests, started once per test run. Each comes from, in order: a
 * configured server ({@code OBSERVERS_TEST_PG_URL}, {@code OBSERVERS_TEST_REDIS_URL},
 * {@code OBSERVERS_TEST_ES_URL}, {@code OBSERVERS_TEST_AMQP_URL}); Testcontainers when a Docker engine
 * answers; else an embedded one from Maven Central. Tests isolate themselves with {@link #newDatabase},
 * {@link #namespace}.
 */
public final class TestServers {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static PostgresServer postgres;
    private static RedisServer redis;
    private static ElasticsearchServer elasticsearch;
    private static ElasticsearchServer elasticsearch9;
    private static ElasticsearchServer saturated;
    private static Vertx vertx;
    private static BrokerServer broker;

    private TestServers() {
    }

    public static synchronized PostgresServer postgres() {
        if (postgres == null) {
            postgres = PostgresServer.start();
        }
        return postgres;
    }

    /** A fresh, empty database on the test PostgreSQL, named after the test. */
    public static PgUrl newDatabase(Class<?> test) {
        return postgres().createDatabase(namespace(test));
    }

    /** One Vert.x for every test's PostgreSQL pools, closed when the JVM exits. */
    public static synchronized Vertx vertx() {
        if (vertx == null) {
            vertx = Vertx.vertx();
            Vertx started = vertx;
            Runtime.getRuntime().addShutdownHook(new Thread(started::closeAndAwait));
        }
        return vertx;
    }

    /** A pool of the daemon's client type on {@code url}; the caller closes it. */
    public static Pool pool(PgUrl url) {
        return Pool.newInstance(PgBuilder.pool().with(new PoolOptions().setMaxSize(4))
                .connectingTo(Postgres.connectOptions(url)).using(vertx().getDelegate()).build());
    }

    /** A fresh database with the daemon's schema migrated, and a pool on it. */
    public static Pool migratedPool(PgUrl url) {
        Pool pool = pool(url);
        new Migrator(pool).migrate();
        return pool;
    }

    public static synchronized RedisUrl redis() {
        if (redis == null) {
            redis = RedisServer.start();
        }
        return redis.url();
    }

    public static synchronized HttpUrl elasticsearch() {
        if (elasticsearch == null) {
            elasticsearch = ElasticsearchServer.start();
        }
        return elasticsearch.url();
    }

    /** The 9.x Elasticsearch test node, started on first use and shared like the 8.x one. */
    public static synchronized HttpUrl elasticsearch9() {
        if (elasticsearch9 == null) {
            elasticsearch9 = ElasticsearchServer.start9();
        }
        return elasticsearch9.url();
    }

    /** An Elasticsearch node whose write queue holds one request: it answers concurrent bulks with 429. */
    public static synchronized HttpUrl saturatedElasticsearch() {
        if (saturated == null) {
            saturated = ElasticsearchServer.startSaturated();
        }
        return saturated.url();
    }

    /** The AMQP 0-9-1 broker (RabbitMQ, or the embedded Qpid Broker-J). */
    public static synchronized AmqpUrl broker() {
        if (broker == null) {
            broker = BrokerServer.start();
        }
        return broker.url();
    }

    /** A name unique to this test class in this run: a database name, a key or index prefix. */
    public static String namespace(Class<?> test) {
        return ("t_" + test.getSimpleName() + "_" + ProcessHandle.current().pid() + "_" + SEQUENCE.incrementAndGet())
                .toLowerCase(Locale.ROOT);
    }

    static String env(String name) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? null : value;
    }
}

package dev.observers.testing;

import dev.observers.config.AmqpUrl;
import dev.observers.config.HttpUrl;
import dev.observers.config.PgUrl;
import dev.observers.config.RedisUrl;

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

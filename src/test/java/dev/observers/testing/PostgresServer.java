package dev.observers.testing;

import dev.observers.config.PgUrl;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/** The test PostgreSQL: configured, containerised or embedded (see {@link TestServers}). */
public final class PostgresServer {

    private final PgUrl admin;
    private final String origin;

    private PostgresServer(PgUrl admin, String origin) {
        this.admin = admin;
        this.origin = origin;
    }

    static PostgresServer start() {
        String configured = TestServers.env("OBSERVERS_TEST_PG_URL");
        if (configured != null) {
            return new PostgresServer(PgUrl.parse(configured), "OBSERVERS_TEST_PG_URL");
        }
        if (Docker.available()) {
            GenericContainer<?> c = new GenericContainer<>("postgres:15-alpine")
                    .withEnv("POSTGRES_HOST_AUTH_METHOD", "trust")
                    .withExposedPorts(5432)
                    .waitingFor(Wait.forLogMessage(".*database system is ready to accept connections.*\\n", 2));
            c.start();
            return new PostgresServer(new PgUrl(c.getHost(), c.getMappedPort(5432), "postgres", "postgres",
                    Optional.empty(), Map.of()), "Testcontainers");
        }
        try {
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setServerConfig("max_connections", "300")
                    .setServerConfig("fsync", "off")
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    pg.close();
                } catch (IOException ignored) {
                    // the JVM is exiting; the temporary cluster goes with it
                }
            }));
            return new PostgresServer(new PgUrl("127.0.0.1", pg.getPort(), "postgres", "postgres", Optional.empty(),
                    Map.of()), "embedded");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded test PostgreSQL", e);
        }
    }

    public PgUrl adminUrl() {
        return admin;
    }

    public String origin() {
        return origin;
    }

    PgUrl createDatabase(String name) {
        try (Connection c = connect(admin); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name + " on " + admin, e);
        }
        return admin.withDatabase(name);
    }

    /** A JDBC connection, for test set-up and assertions (the daemon itself uses the Vert.x client). */
    public static Connection connect(PgUrl url) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", url.user());
        url.password().ifPresent(p -> props.setProperty("password", p));
        return DriverManager.getConnection(url.jdbcUrl(), props);
    }
}

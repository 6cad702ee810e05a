package dev.observers.embedded;

import dev.observers.config.ObserversConfig;
import dev.observers.config.PgUrl;
import dev.observers.config.RedisUrl;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;
import redis.embedded.RedisServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The embedded default: a PostgreSQL and a Redis started in-process when no URL is configured, so
 * one command runs the daemon on a machine with nothing installed. PostgreSQL keeps its data under
 * {@code observers.embedded.data-dir} and reuses it across runs; Redis keeps nothing.
 */
@Singleton
public class EmbeddedServers {

    private static final Logger LOG = Logger.getLogger(EmbeddedServers.class);

    private final ObserversConfig.Embedded config;
    private EmbeddedPostgres postgres;
    private RedisServer redis;

    @Inject
    public EmbeddedServers(ObserversConfig config) {
        this.config = config.embedded();
    }

    /** Starts the embedded PostgreSQL once and returns where it listens. */
    public synchronized PgUrl postgres() {
        if (postgres == null) {
            Path dir = Path.of(config.dataDir(), "pg14");
            requireFree(config.pgPort(), "observers.embedded.pg-port", "PostgreSQL");
            try {
                Files.createDirectories(dir.getParent());
                long start = System.nanoTime();
                postgres = EmbeddedPostgres.builder()
                        .setDataDirectory(dir)
                        .setCleanDataDirectory(false)
                        .setPort(config.pgPort())
                        .setServerConfig("listen_addresses", "127.0.0.1")
                        .setServerConfig("max_connections", "100")
                        .setPGStartupWait(Duration.ofSeconds(60))
                        .start();
                LOG.infof("no OBSERVERS_DB_URL set: started embedded PostgreSQL on 127.0.0.1:%d in %d ms (data in %s)",
                        postgres.getPort(), (System.nanoTime() - start) / 1_000_000, dir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the embedded PostgreSQL in " + dir
                        + " (set OBSERVERS_DB_URL to use an existing server): " + e.getMessage(), e);
            }
        }
        return new PgUrl("127.0.0.1", postgres.getPort(), "postgres", "postgres", Optional.empty(), Map.of());
    }

    /**
     * The embedded PostgreSQL a daemon on this machine already runs on the configured port and data
     * directory (its {@code postmaster.pid} names the port), so a command such as {@code status} can
     * read it instead of failing to start a second one.
     */
    public Optional<PgUrl> runningPostgres() {
        Path pid = Path.of(config.dataDir(), "pg14", "postmaster.pid");
        if (isFree(config.pgPort()) || !Files.exists(pid)) {
            return Optional.empty();
        }
        try {
            List<String> lines = Files.readAllLines(pid);
            if (lines.size() < 4 || !lines.get(3).strip().equals(String.valueOf(config.pgPort()))) {
                return Optional.empty();
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.of(new PgUrl("127.0.0.1", config.pgPort(), "postgres", "postgres", Optional.empty(), Map.of()));
    }

    /** The embedded Redis a daemon on this machine already runs, when its port is taken; see {@link #runningPostgres}. */
    public Optional<RedisUrl> runningRedis() {
        return isFree(config.redisPort()) ? Optional.empty()
                : Optional.of(new RedisUrl(false, "127.0.0.1", config.redisPort(), 0, Optional.empty(), Optional.empty()));
    }

    /** Starts the embedded Redis once and returns where it listens. */
    public synchronized RedisUrl redis() {
        if (redis == null) {
            requireFree(config.redisPort(), "observers.embedded.redis-port", "Redis");
            try {
                RedisServer server = RedisServer.newRedisServer()
                        .port(config.redisPort())
                        .bind("127.0.0.1")
                        .setting("save \"\"")
                        .setting("appendonly no")
                        .build();
                server.start();
                redis = server;
                LOG.infof("no OBSERVERS_REDIS_URL set: started embedded Redis on 127.0.0.1:%d", config.redisPort());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the embedded Redis on port " + config.redisPort()
                        + " (set OBSERVERS_REDIS_URL to use an existing server): " + e.getMessage(), e);
            }
        }
        return new RedisUrl(false, "127.0.0.1", config.redisPort(), 0, Optional.empty(), Optional.empty());
    }

    @PreDestroy
    public synchronized void stop() {
        if (redis != null) {
            try {
                redis.stop();
            } catch (IOException e) {
                LOG.warnf("embedded Redis did not stop cleanly: %s", e.getMessage());
            }
            redis = null;
        }
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException e) {
                LOG.warnf("embedded PostgreSQL did not stop cleanly: %s", e.getMessage());
            }
            postgres = null;
        }
    }

    private static boolean isFree(int port) {
        try (ServerSocket ignored = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void requireFree(int port, String property, String what) {
        try (ServerSocket ignored = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            // free
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the embedded " + what + ": port " + port
                    + " is in use (another observers daemon on the embedded default?). Set "
                    + dev.observers.config.EnvNames.of(property) + " to another port, or point the daemon at a running "
                    + what + ".");
        }
    }
}

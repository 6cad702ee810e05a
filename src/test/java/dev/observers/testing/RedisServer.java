package dev.observers.testing;

import dev.observers.config.RedisUrl;
import org.testcontainers.containers.GenericContainer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.Optional;

/** The test Redis: configured, containerised or embedded (see {@link TestServers}). */
final class RedisServer {

    private final RedisUrl url;

    private RedisServer(RedisUrl url) {
        this.url = url;
    }

    RedisUrl url() {
        return url;
    }

    static RedisServer start() {
        String configured = TestServers.env("OBSERVERS_TEST_REDIS_URL");
        if (configured != null) {
            return new RedisServer(RedisUrl.parse(configured));
        }
        if (Docker.available()) {
            GenericContainer<?> c = new GenericContainer<>("redis:7-alpine").withExposedPorts(6379);
            c.start();
            return new RedisServer(new RedisUrl(false, c.getHost(), c.getMappedPort(6379), 0, Optional.empty(),
                    Optional.empty()));
        }
        try {
            int port = freePort();
            redis.embedded.RedisServer server = redis.embedded.RedisServer.newRedisServer()
                    .port(port)
                    .bind("127.0.0.1")
                    .setting("save \"\"")
                    .setting("appendonly no")
                    .build();
            server.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    server.stop();
                } catch (IOException ignored) {
                    // the JVM is exiting
                }
            }));
            return new RedisServer(new RedisUrl(false, "127.0.0.1", port, 0, Optional.empty(), Optional.empty()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded test Redis", e);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}

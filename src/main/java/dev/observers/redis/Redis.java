package dev.observers.redis;

import dev.observers.config.ObserversConfig;
import dev.observers.config.RedisUrl;
import dev.observers.embedded.EmbeddedServers;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.redisson.api.RedissonClient;

/**
 * The daemon's Redis: the configured server, or the embedded one when none is configured.
 * Resolved on first use.
 */
@Singleton
public class Redis {

    private final ObserversConfig config;
    private final EmbeddedServers embedded;
    private RedisUrl url;
    private RedissonClient client;

    @Inject
    public Redis(ObserversConfig config, EmbeddedServers embedded) {
        this.config = config;
        this.embedded = embedded;
    }

    public synchronized RedisUrl url() {
        if (url == null) {
            url = config.redis().url().map(RedisUrl::parse).orElseGet(embedded::redis);
        }
        return url;
    }

    /** With no Redis configured, uses the embedded one a running daemon started; see {@code Postgres.preferRunningEmbedded}. */
    public synchronized void preferRunningEmbedded() {
        if (url == null && config.redis().url().isEmpty()) {
            embedded.runningRedis().ifPresent(running -> url = running);
        }
    }

    public synchronized RedissonClient client() {
        if (client == null) {
            client = RedisClients.create(url());
        }
        return client;
    }

    @PreDestroy
    synchronized void close() {
        if (client != null) {
            client.shutdown();
            client = null;
        }
    }
}

package dev.observers.redis;

import dev.observers.config.RedisUrl;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/** Builds a Redisson client for a {@link RedisUrl}; the single place that knows Redisson's config shape. */
public final class RedisClients {

    private RedisClients() {
    }

    public static RedissonClient create(RedisUrl url) {
        Config config = new Config();
        var server = config.useSingleServer()
                .setAddress(url.address())
                .setDatabase(url.database())
                .setConnectTimeout(5_000)
                .setTimeout(3_000)
                .setRetryAttempts(1)
                .setClientName("observers");
        url.user().ifPresent(server::setUsername);
        url.password().ifPresent(server::setPassword);
        return Redisson.create(config);
    }
}

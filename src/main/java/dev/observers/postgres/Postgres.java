package dev.observers.postgres;

import dev.observers.config.ObserversConfig;
import dev.observers.config.PgUrl;
import dev.observers.embedded.EmbeddedServers;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * The daemon's PostgreSQL: the configured server, or the embedded one when none is configured.
 * Resolved on first use, so commands that never touch the database never start one.
 */
@Singleton
public class Postgres {

    private final ObserversConfig config;
    private final EmbeddedServers embedded;
    private final Vertx vertx;
    private PgUrl url;
    private Pool pool;

    @Inject
    public Postgres(ObserversConfig config, EmbeddedServers embedded, Vertx vertx) {
        this.config = config;
        this.embedded = embedded;
        this.vertx = vertx;
    }

    public synchronized PgUrl url() {
        if (url == null) {
            url = config.db().url().map(PgUrl::parse).orElseGet(embedded::postgres);
        }
        return url;
    }

    /**
     * With no database configured, uses the embedded PostgreSQL a running daemon started instead of
     * starting one: for commands that run beside the daemon. Call before the first {@link #url()}.
     */
    public synchronized void preferRunningEmbedded() {
        if (url == null && config.db().url().isEmpty()) {
            embedded.runningPostgres().ifPresent(running -> url = running);
        }
    }

    public synchronized Pool pool() {
        if (pool == null) {
            pool = Pool.newInstance(PgBuilder.pool()
                    .with(new PoolOptions().setMaxSize(config.db().poolSize()).setName("observers"))
                    .connectingTo(connectOptions(url()))
                    .using(vertx)
                    .build());
        }
        return pool;
    }

    /** Connection options for {@code url}, also used for dedicated (LISTEN) connections. */
    public static PgConnectOptions connectOptions(PgUrl url) {
        PgConnectOptions options = new PgConnectOptions()
                .setHost(url.host())
                .setPort(url.port())
                .setDatabase(url.database())
                .setUser(url.user())
                .setCachePreparedStatements(true)
                .addProperty("application_name", "observers");
        url.password().ifPresent(options::setPassword);
        String sslmode = url.params().get("sslmode");
        if (sslmode != null) {
            options.setSslMode(SslMode.of(sslmode));
        }
        return options;
    }

    /** Applies pending migrations and returns what was applied. */
    public java.util.List<String> migrate() {
        return new Migrator(pool()).migrate();
    }

    @PreDestroy
    synchronized void close() {
        if (pool != null) {
            pool.closeAndAwait();
            pool = null;
        }
    }
}

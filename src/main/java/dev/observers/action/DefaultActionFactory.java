package dev.observers.action;

import dev.observers.config.ObserversConfig;
import dev.observers.postgres.Postgres;
import dev.observers.redis.Redis;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.net.http.HttpClient;
import java.time.Duration;

/**
 * The daemon's {@link ActionFactory}: one small class per action type, chosen by a switch over the
 * sealed configs. Webhook and Slack actions share one HTTP client; database and cache actions use the
 * daemon's pool and Redis client, touched only when such an action is built. Email and publish
 * actions are built by their own beans, which refuse them when no SMTP server or broker is configured.
 */
@ApplicationScoped
public class DefaultActionFactory implements ActionFactory {

    private final Postgres postgres;
    private final Redis redis;
    private final EmailActions email;
    private final PublishActions publish;
    private final Environment env;
    private final HttpClient http;

    @Inject
    public DefaultActionFactory(ObserversConfig config, Postgres postgres, Redis redis, EmailActions email,
                                PublishActions publish) {
        this.postgres = postgres;
        this.redis = redis;
        this.email = email;
        this.publish = publish;
        this.env = Environment.system();
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofMillis(config.httpConnectTimeoutMs()))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public Action create(ActionConfig config) {
        return switch (config) {
            case ActionConfig.Log log -> LogAction.from(log);
            case ActionConfig.Webhook webhook -> WebhookAction.from(webhook, http, env);
            case ActionConfig.Slack slack -> SlackAction.from(slack, http, env);
            case ActionConfig.Database database -> DatabaseAction.from(database, postgres.pool());
            case ActionConfig.Cache cache -> CacheAction.from(cache, redis.client());
            case ActionConfig.Email mail -> email.create(mail);
            case ActionConfig.Publish message -> publish.create(message);
        };
    }

    /** Requests still open at shutdown were abandoned by the dispatcher's drain: abort them. */
    @PreDestroy
    void close() {
        http.shutdownNow();
    }
}

package dev.observers.action;

import dev.observers.config.EnvNames;
import dev.observers.config.ObserversConfig;
import dev.observers.postgres.Postgres;
import dev.observers.redis.Redis;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Optional;

/**
 * The daemon's {@link ActionFactory}: one small class per action type, chosen by a switch over the
 * sealed configs. Webhook and Slack actions share one HTTP client; database and cache actions use the
 * daemon's pool and Redis client, touched only when such an action is built. Email and publish actions
 * come from their own beans; the publish bean (and its broker channel) is created only when a broker is
 * configured, since a disabled channel cannot be injected.
 */
@ApplicationScoped
public class DefaultActionFactory implements ActionFactory {

    private final Postgres postgres;
    private final Redis redis;
    private final Instance<EmailActions> email;
    private final Instance<PublishActions> publish;
    private final Environment env;
    private final Optional<String> brokerUrl;
    private final HttpClient http;

    @Inject
    public DefaultActionFactory(ObserversConfig config, Postgres postgres, Redis redis, Instance<EmailActions> email,
                                Instance<PublishActions> publish) {
        this.postgres = postgres;
        this.redis = redis;
        this.email = email;
        this.publish = publish;
        this.env = Environment.system();
        this.brokerUrl = config.broker().url().filter(u -> !u.isBlank());
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
            case ActionConfig.Email mail -> {
                if (!email.isResolvable()) {
                    throw new IllegalArgumentException("email actions need an SMTP server: set OBSERVERS_SMTP_HOST");
                }
                yield email.get().create(mail);
            }
            case ActionConfig.Publish message -> {
                if (brokerUrl.isEmpty()) {
                    throw new IllegalArgumentException("publish actions need a broker: set "
                            + EnvNames.of("observers.broker.url") + " (e.g. amqp://user:pass@host:5672/vhost)");
                }
                yield publish.get().create(message);
            }
        };
    }

    /** Requests still open at shutdown were abandoned by the dispatcher's drain: abort them. */
    @PreDestroy
    void close() {
        http.shutdownNow();
    }
}

package dev.observers.config;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Range and format checks over the whole configuration, done once before anything starts. Each
 * problem names the variable a user sets, the value and what is accepted.
 */
public final class ConfigCheck {

    private final List<String> problems = new ArrayList<>();

    private ConfigCheck() {
    }

    /** Every problem in {@code config}; empty when it is usable. */
    public static List<String> problems(ObserversConfig config) {
        ConfigCheck check = new ConfigCheck();
        check.url("observers.db.url", config.db().url(), PgUrl::parse, "postgresql://user:pass@host:5432/db");
        check.url("observers.redis.url", config.redis().url(), RedisUrl::parse, "redis://host:6379");
        check.url("observers.elasticsearch.url", config.elasticsearch().url(), HttpUrl::parse, "http://host:9200");
        check.url("observers.broker.url", config.broker().url(), AmqpUrl::parse, "amqp://user:pass@host:5672/vhost");
        check.range("observers.db.pool-size", config.db().poolSize(), 1, 1_000);
        check.range("observers.checkpoint.batch-size", config.checkpoint().batchSize(), 1, 1_000_000);
        check.range("observers.checkpoint.interval-ms", config.checkpoint().intervalMs(), 1, 3_600_000);
        check.range("observers.listener.batch-size", config.listener().batchSize(), 1, 100_000);
        check.range("observers.listener.poll-interval-ms", config.listener().pollIntervalMs(), 10, 3_600_000);
        check.range("observers.listener.max-in-flight", config.listener().maxInFlight(), 1, 1_000_000);
        check.range("observers.max-concurrent-actions", config.maxConcurrentActions(), 1, 100_000);
        check.range("observers.action-timeout-ms", config.actionTimeoutMs(), 1, 86_400_000);
        check.range("observers.http-connect-timeout-ms", config.httpConnectTimeoutMs(), 1, 600_000);
        check.range("observers.dedup-window-secs", config.dedupWindowSecs(), 1, 30L * 86_400);
        check.range("observers.cache.ttl-secs", config.cache().ttlSecs(), 1, 30L * 86_400);
        check.range("observers.cache.local-max-entries", config.cache().localMaxEntries(), 0, 10_000_000);
        check.range("observers.cache.local-ttl-secs", config.cache().localTtlSecs(), 1, 86_400);
        check.range("observers.cache.redis-timeout-ms", config.cache().redisTimeoutMs(), 1, 60_000);
        check.range("observers.lookup.timeout-ms", config.lookup().timeoutMs(), 1, 600_000);
        check.range("observers.http-port", config.httpPort(), 0, 65_535);
        check.range("observers.shutdown-timeout-ms", config.shutdownTimeoutMs(), 0, 3_600_000);
        check.range("observers.lag-refresh-ms", config.lagRefreshMs(), 100, 3_600_000);
        check.range("observers.ready.max-lag-seconds", config.ready().maxLagSeconds(), 1, 30L * 86_400);
        check.range("observers.elasticsearch.bulk-size", config.elasticsearch().bulkSize(), 1, 100_000);
        check.range("observers.elasticsearch.flush-interval-secs", config.elasticsearch().flushIntervalSecs(), 1, 3_600);
        check.range("observers.embedded.pg-port", config.embedded().pgPort(), 1, 65_535);
        check.range("observers.embedded.redis-port", config.embedded().redisPort(), 1, 65_535);
        check.range("observers.smtp.port", config.smtp().port(), 1, 65_535);
        check.range("observers.smtp.timeout-ms", config.smtp().timeoutMs(), 1, 3_600_000);
        check.smtp(config.smtp());
        if (config.broker().exchange().isBlank() || config.broker().exchange().length() > 255) {
            check.problems.add(EnvNames.describe("observers.broker.exchange")
                    + " must be an exchange name of 1 to 255 characters");
        }
        String keyPrefix = config.redis().keyPrefix();
        if (keyPrefix.length() > 100 || !keyPrefix.matches("[^\\s*?\\[\\]\\\\]*")) {
            check.problems.add(EnvNames.describe("observers.redis.key-prefix") + " is '" + keyPrefix
                    + "': must be at most 100 characters without spaces or the glob characters * ? [ ] \\");
        }
        if (config.elasticsearch().indexPrefix().isBlank()
                || !config.elasticsearch().indexPrefix().matches("[a-z0-9][a-z0-9_.-]*")) {
            check.problems.add(EnvNames.describe("observers.elasticsearch.index-prefix") + " is '"
                    + config.elasticsearch().indexPrefix()
                    + "': must be lowercase letters, digits, '-', '_' or '.', starting with a letter or digit");
        }
        return List.copyOf(check.problems);
    }

    /** Throws with every problem listed when there is at least one. */
    public static void require(ObserversConfig config) {
        List<String> problems = problems(config);
        if (!problems.isEmpty()) {
            throw new InvalidConfigException(problems);
        }
    }

    private void smtp(ObserversConfig.Smtp smtp) {
        if (smtp.host().isPresent() && smtp.host().get().isBlank()) {
            problems.add(EnvNames.describe("observers.smtp.host") + " is blank: set a host name or unset it");
        }
        if (smtp.host().isPresent() && smtp.from().isEmpty()) {
            problems.add(EnvNames.describe("observers.smtp.from") + " is unset: email needs a sender address when "
                    + EnvNames.of("observers.smtp.host") + " is set");
        }
        smtp.from().ifPresent(from -> {
            if (!isEmailAddress(from)) {
                problems.add(EnvNames.describe("observers.smtp.from") + " is '" + from
                        + "': must be one email address, e.g. observers@example.com");
            }
        });
        if (smtp.password().isPresent() && smtp.username().isEmpty()) {
            problems.add(EnvNames.describe("observers.smtp.username") + " is unset: a password is set, so a user name"
                    + " is needed to authenticate");
        }
    }

    private static boolean isEmailAddress(String text) {
        try {
            new InternetAddress(text, true).validate();
            return true;
        } catch (AddressException e) {
            return false;
        }
    }

    private void range(String property, long value, long min, long max) {
        if (value < min || value > max) {
            problems.add(EnvNames.describe(property) + " is " + value + ": must be between " + min + " and " + max);
        }
    }

    private void url(String property, Optional<String> value, Function<String, ?> parser, String example) {
        if (value.isEmpty()) {
            return;
        }
        try {
            parser.apply(value.get());
        } catch (IllegalArgumentException e) {
            problems.add(EnvNames.describe(property) + " is not a valid URL: " + e.getMessage() + " (expected e.g. "
                    + example + ")");
        }
    }
}

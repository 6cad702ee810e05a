package dev.observers.config;

import dev.observers.retention.RetentionPeriod;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Range and format checks over the whole configuration, done once before anything starts. Each
 * problem names the variable a user sets, the value and what is accepted.
 */
public final class ConfigCheck {

    /** The accepted range of every integer knob, inclusive. */
    record Range(long min, long max) {
        boolean contains(long value) {
            return value >= min && value <= max;
        }
    }

    static final Map<String, Range> RANGES = Map.ofEntries(
            Map.entry("observers.db.pool-size", new Range(1, 1_000)),
            Map.entry("observers.checkpoint.batch-size", new Range(1, 1_000_000)),
            Map.entry("observers.checkpoint.interval-ms", new Range(1, 3_600_000)),
            Map.entry("observers.listener.batch-size", new Range(1, 100_000)),
            Map.entry("observers.listener.poll-interval-ms", new Range(10, 3_600_000)),
            Map.entry("observers.listener.min-read-interval-ms", new Range(0, 1_000)),
            Map.entry("observers.listener.max-in-flight", new Range(1, 1_000_000)),
            Map.entry("observers.projections.linger-ms", new Range(0, 60_000)),
            Map.entry("observers.max-concurrent-actions", new Range(1, 100_000)),
            Map.entry("observers.action-timeout-ms", new Range(1, 86_400_000)),
            Map.entry("observers.http-connect-timeout-ms", new Range(1, 600_000)),
            Map.entry("observers.dedup-window-secs", new Range(1, 30L * 86_400)),
            Map.entry("observers.cache.ttl-secs", new Range(1, 30L * 86_400)),
            Map.entry("observers.cache.local-max-entries", new Range(0, 10_000_000)),
            Map.entry("observers.cache.local-ttl-secs", new Range(1, 86_400)),
            Map.entry("observers.cache.redis-timeout-ms", new Range(1, 60_000)),
            Map.entry("observers.lookup.timeout-ms", new Range(1, 600_000)),
            Map.entry("observers.http-port", new Range(0, 65_535)),
            Map.entry("observers.shutdown-timeout-ms", new Range(0, 3_600_000)),
            Map.entry("observers.lag-refresh-ms", new Range(100, 3_600_000)),
            Map.entry("observers.ready.max-lag-seconds", new Range(1, 30L * 86_400)),
            Map.entry("observers.elasticsearch.bulk-size", new Range(1, 100_000)),
            Map.entry("observers.elasticsearch.flush-interval-secs", new Range(1, 3_600)),
            Map.entry("observers.elasticsearch.flush-interval-ms", new Range(1, 3_600_000)),
            Map.entry("observers.elasticsearch.bulk-max-bytes", new Range(1_000, 1_000_000_000)),
            Map.entry("observers.elasticsearch.max-concurrent-requests", new Range(1, 64)),
            Map.entry("observers.elasticsearch.shards", new Range(1, 1_024)),
            Map.entry("observers.elasticsearch.replicas", new Range(0, 16)),
            Map.entry("observers.elasticsearch.retention-days", new Range(1, 36_500)),
            Map.entry("observers.elasticsearch.compatibility", new Range(8, 9)),
            Map.entry("observers.embedded.pg-port", new Range(1, 65_535)),
            Map.entry("observers.embedded.redis-port", new Range(1, 65_535)),
            Map.entry("observers.smtp.port", new Range(1, 65_535)),
            Map.entry("observers.smtp.timeout-ms", new Range(1, 3_600_000)),
            Map.entry("observers.breaker.failure-threshold", new Range(1, 1_000_000)),
            Map.entry("observers.breaker.open-ms", new Range(1, 86_400_000)),
            Map.entry("observers.breaker.max-open-ms", new Range(1, 86_400_000)),
            Map.entry("observers.breaker.max-wait-ms", new Range(0, 30L * 86_400_000)),
            Map.entry("observers.claims.partitions", new Range(1, 1_024)),
            Map.entry("observers.claims.lease-ms", new Range(1_000, 3_600_000)),
            Map.entry("observers.changelog.retention-batch-size", new Range(1, 100_000)),
            Map.entry("observers.changelog.retention-interval-ms", new Range(1_000, 86_400_000)));

    private final List<String> problems = new ArrayList<>();

    private ConfigCheck() {
    }

    /** Every problem in {@code config}; empty when it is usable. */
    public static List<String> problems(ObserversConfig config) {
        ConfigCheck check = new ConfigCheck();
        for (Knob knob : Knob.all()) {
            Object value = knob.read(config);
            if (value instanceof Number number) {
                check.range(knob.property(), number.longValue());
            } else if (value instanceof String text) {
                ValueCheck.urlProblem(knob, text).ifPresent(check.problems::add);
            }
        }
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
        if (!config.elasticsearch().refreshInterval().matches("-1|[1-9][0-9]*(ms|s|m|h)")) {
            check.problems.add(EnvNames.describe("observers.elasticsearch.refresh-interval") + " is '"
                    + config.elasticsearch().refreshInterval() + "': must be a duration such as 500ms, 1s, 30s or 1m,"
                    + " or -1 (no periodic refresh)");
        }
        config.changelog().retention().ifPresent(retention -> {
            try {
                RetentionPeriod.parse(retention);
            } catch (IllegalArgumentException e) {
                check.problems.add(EnvNames.describe("observers.changelog.retention") + " is '" + retention
                        + "': must be a positive duration, a whole number and s, m, h, d or w (30d, 12h, 5s)");
            }
        });
        String policy = config.elasticsearch().ilmPolicy();
        if (!policy.contains("/") && !policy.endsWith(".json") && !policy.matches("[a-z0-9][a-z0-9_.-]*")) {
            check.problems.add(EnvNames.describe("observers.elasticsearch.ilm-policy") + " is '" + policy
                    + "': must name a policy of ilm-policies/ (lowercase letters, digits, '-', '_' or '.') or the path"
                    + " of a policy file");
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

    private void range(String property, long value) {
        Range range = RANGES.get(property);
        if (range == null) {
            throw new IllegalStateException(property + " has no range in ConfigCheck.RANGES");
        }
        if (!range.contains(value)) {
            problems.add(EnvNames.describe(property) + " is " + value + ": must be between " + range.min() + " and "
                    + range.max());
        }
    }
}

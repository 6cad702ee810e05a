package dev.observers.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.util.Locale;
import java.util.Optional;

/**
 * Every knob of the daemon. Each property has an environment name derived by Quarkus
 * ({@code observers.checkpoint.batch-size} is {@code OBSERVERS_CHECKPOINT_BATCH_SIZE}); FraiseQL's
 * variable names are accepted as fallbacks (see {@link FraiseqlAliases}). Ranges are checked by
 * {@link ConfigCheck} before anything starts.
 */
@ConfigMapping(prefix = "observers")
public interface ObserversConfig {

    Db db();

    Redis redis();

    Elasticsearch elasticsearch();

    Smtp smtp();

    Broker broker();

    /** Observer definitions file (YAML or JSON); none means no observers from a file. */
    Optional<String> config();

    Checkpoint checkpoint();

    Listener listener();

    Projections projections();

    Cache cache();

    Lookup lookup();

    Breaker breaker();

    Claims claims();

    Changelog changelog();

    /** Upper bound on actions running at once across all events. */
    @WithDefault("100")
    int maxConcurrentActions();

    /** Default timeout of one action attempt, when the action sets no timeout_ms. */
    @WithDefault("30000")
    long actionTimeoutMs();

    /** How long webhook and Slack actions wait for a TCP/TLS connection before the attempt fails as transient. */
    @WithDefault("5000")
    long httpConnectTimeoutMs();

    /** How long a completed action is remembered in Redis so a replay skips it. */
    @WithDefault("300")
    long dedupWindowSecs();

    /** Port of the HTTP endpoint serving /q/metrics and /q/health. */
    @WithDefault("9464")
    int httpPort();

    /** How long a graceful stop waits for in-flight work before it flushes the checkpoint and exits. */
    @WithDefault("30000")
    long shutdownTimeoutMs();

    /** How often the lag and dead-letter gauges (and readiness' lag figure) are read from the database. */
    @WithDefault("5000")
    long lagRefreshMs();

    Ready ready();

    /** Logs as one JSON object per line (for log shippers) instead of text. */
    @WithDefault("false")
    @WithConverter(StrictBoolean.class)
    boolean logJson();

    Embedded embedded();

    interface Ready {
        /** Checkpoint lag above which /q/health/ready reports a listener as lagging. */
        @WithDefault("300")
        long maxLagSeconds();

        /** Whether lag above max-lag-seconds makes the daemon not ready, rather than only being reported. */
        @WithDefault("false")
        @WithConverter(StrictBoolean.class)
        boolean failOnLag();
    }

    interface Db {
        /** PostgreSQL URL ({@code postgresql://user:pass@host:port/db}); none starts the embedded server. */
        Optional<String> url();

        /** Apply the schema migrations at start. */
        @WithDefault("true")
        @WithConverter(StrictBoolean.class)
        boolean migrate();

        /** Connections in the daemon's pool. */
        @WithDefault("8")
        int poolSize();
    }

    interface Redis {
        /** Redis URL ({@code redis://[:pass@]host:port[/db]}); none starts the embedded server. */
        Optional<String> url();

        /** Prefix of every key the daemon writes, so several daemons (or other users) can share one Redis. */
        @WithDefault("observers:")
        String keyPrefix();
    }

    Dedup dedup();

    interface Dedup {
        /** Suppress effects already done within the window (see dedup-window-secs). */
        @WithDefault("true")
        @WithConverter(StrictBoolean.class)
        boolean enabled();

        /** When Redis is down: false keeps delivering (at-least-once, counted); true waits for Redis. */
        @WithDefault("false")
        @WithConverter(StrictBoolean.class)
        boolean failClosed();
    }

    interface Elasticsearch {
        /** Elasticsearch URL ({@code http://host:9200}); none disables search indexing. */
        Optional<String> url();

        /** Prefix of every index and template the daemon creates: daily indices {@code <prefix>-yyyy.MM.dd}. */
        @WithDefault("observers")
        String indexPrefix();

        /** Documents per bulk request. */
        @WithDefault("500")
        int bulkSize();

        /** Bytes per bulk request, at most (a bulk is sent when either cap is reached). */
        @WithDefault("5000000")
        long bulkMaxBytes();

        /** Bulk requests in flight at once. */
        @WithDefault("2")
        int maxConcurrentRequests();

        /** Longest wait before a partial bulk request is sent, in seconds (FraiseQL's knob)... */
        @WithDefault("5")
        int flushIntervalSecs();

        /** ...or in milliseconds, which wins when set. */
        Optional<Long> flushIntervalMs();

        /** Primary shards of each daily index. */
        @WithDefault("1")
        int shards();

        /** Replicas of each daily index (0 on a single-node development cluster). */
        @WithDefault("1")
        int replicas();

        /** How often new documents become searchable; longer is cheaper for the cluster (30s for throughput). */
        @WithDefault("1s")
        String refreshInterval();

        /** The lifecycle policy from ilm-policies/ that the daemon installs and the template names. */
        @WithDefault("observer-events")
        String ilmPolicy();

        /** Overrides the policy's delete age: daily indices older than this many days are deleted. */
        Optional<Integer> retentionDays();

        /**
         * The REST API version requests declare: 8 (compatibility headers, understood by 8.x and 9.x
         * clusters) or 9 (the client's own headers, 9.x clusters only).
         */
        @WithDefault("8")
        int compatibility();
    }

    interface Smtp {
        /** SMTP server host for email actions; none means email actions are refused when observers load. */
        Optional<String> host();

        /** SMTP server port: 587 for submission with STARTTLS, 465 for implicit TLS, 25 for plain relay. */
        @WithDefault("587")
        int port();

        /** Sender address of every email ({@code From}); required when a host is set. */
        Optional<String> from();

        /** User name to authenticate with; none means the server is used without authentication. */
        Optional<String> username();

        /** Password of that user; never printed or logged. */
        Optional<String> password();

        /** Transport security: starttls (upgrade required), tls (implicit TLS) or none (plain text). */
        @WithDefault("starttls")
        SmtpTls tls();

        /** Connect and read timeout of the SMTP connection; a stalled write ends at the action's own timeout. */
        @WithDefault("10000")
        long timeoutMs();
    }

    /** How email actions secure the SMTP connection. */
    enum SmtpTls {
        STARTTLS, TLS, NONE;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    interface Broker {
        /** AMQP 0-9-1 broker ({@code amqp://user:pass@host:5672/vhost}, amqps: TLS); none refuses publish actions. */
        Optional<String> url();

        /** Topic exchange that publish actions send to; declared (durable) when the daemon connects. */
        @WithDefault("observers")
        String exchange();
    }

    interface Checkpoint {
        /** Write the checkpoint after this many completed events... */
        @WithDefault("100")
        int batchSize();

        /** ...or after this many milliseconds, whichever comes first. */
        @WithDefault("1000")
        long intervalMs();
    }

    interface Listener {
        /** Change-log rows read per query. */
        @WithDefault("1000")
        int batchSize();

        /** Polling period when no NOTIFY arrives; a lost notification costs at most this much latency. */
        @WithDefault("1000")
        long pollIntervalMs();

        /**
         * After a read that found nothing more, the next read waits until this long after the last one
         * began, so single-row commits arriving faster than that are read in groups rather than one
         * query (and one wake-up) each. Adds at most this much latency; 0 reads on every wake-up.
         */
        @WithDefault("2")
        long minReadIntervalMs();

        /** Events read but not yet complete, at most; reading pauses above it, so memory never grows with a backlog. */
        @WithDefault("10000")
        int maxInFlight();
    }

    interface Changelog {
        /**
         * Change-log rows older than this (30d, 12h, 5s) are deleted once every subscription's cursor has
         * passed them and no unresolved dead letter names them; unset keeps every row.
         */
        Optional<String> retention();

        /** Rows one retention statement deletes at most: small, so no statement holds its locks for long. */
        @WithDefault("1000")
        int retentionBatchSize();

        /** How often retention looks for rows to delete (it also runs at start). */
        @WithDefault("60000")
        long retentionIntervalMs();
    }

    interface Projections {
        /**
         * How long a projection waits for more events after the first of a batch before refreshing, so a
         * trickle of single-row writes is refreshed in a few transactions instead of one each.
         */
        @WithDefault("20")
        long lingerMs();
    }

    interface Breaker {
        /** Consecutive transient failures of one target (a webhook host, the SMTP server...) that open its breaker. */
        @WithDefault("5")
        int failureThreshold();

        /** How long a breaker stays open before one probe is let through; doubled after each failed probe. */
        @WithDefault("5000")
        long openMs();

        /** The longest a breaker stays open between probes. */
        @WithDefault("300000")
        long maxOpenMs();

        /**
         * How long an action may wait on an open breaker before it goes to its observer's on_failure (an
         * observer's own max_wait_ms wins); 0 waits for as long as the target is down, like a replication slot.
         */
        @WithDefault("0")
        long maxWaitMs();
    }

    interface Claims {
        /**
         * Partitions of every subscription: events are split by a stable hash of (object_type, object_id), so one
         * entity's events stay in order, and each partition is claimed by one daemon at a time. Several daemons share
         * the work only up to this many per subscription; every daemon on one database must use the same number.
         */
        @WithDefault("4")
        int partitions();

        /** How long a claim stays owned without being renewed: a daemon that dies loses its claims after this. */
        @WithDefault("15000")
        long leaseMs();
    }

    interface Cache {
        /** How long a lookup result stays in Redis, unless the lookup sets its own ttl_secs. */
        @WithDefault("60")
        long ttlSecs();

        /** Lookup results kept in memory, at most (W-TinyLFU evicts beyond it); 0 turns that level off. */
        @WithDefault("10000")
        long localMaxEntries();

        /** How long a result stays in memory (never past its Redis TTL): how stale a hot key may get. */
        @WithDefault("5")
        long localTtlSecs();

        /** Longest wait for Redis per cache read or write; slower counts as an outage and the source is asked. */
        @WithDefault("500")
        long redisTimeoutMs();
    }

    interface Lookup {
        /** Longest wait for one lookup's SQL query or HTTP GET before it fails as transient. */
        @WithDefault("5000")
        long timeoutMs();
    }

    interface Embedded {
        /** Where the embedded PostgreSQL keeps its data, reused across runs. */
        @WithDefault("${user.home}/.observers")
        String dataDir();

        /** Port of the embedded PostgreSQL. */
        @WithName("pg-port")
        @WithDefault("54329")
        int pgPort();

        /** Port of the embedded Redis. */
        @WithDefault("63799")
        int redisPort();
    }
}

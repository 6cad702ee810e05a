package dev.observers.daemon;

import dev.observers.action.EventJson;
import dev.observers.changelog.ChangeLogNotifications;
import dev.observers.changelog.ChangeLogReader;
import dev.observers.checkpoint.CheckpointPolicy;
import dev.observers.checkpoint.LagReader;
import dev.observers.claim.ClaimId;
import dev.observers.claim.ClaimStore;
import dev.observers.config.ObserversConfig;
import dev.observers.dedup.Dedup;
import dev.observers.dedup.DedupStore;
import dev.observers.dedup.RedisDedupStore;
import dev.observers.dispatch.ActionRunner;
import dev.observers.dispatch.CircuitBreaker;
import dev.observers.dispatch.DeadLetterTable;
import dev.observers.dispatch.DispatchMetrics;
import dev.observers.dispatch.Dispatcher;
import dev.observers.dispatch.ObserverEventHandler;
import dev.observers.dispatch.PgDeadLetterStore;
import dev.observers.observer.ObserverCatalog;
import dev.observers.postgres.Postgres;
import dev.observers.redis.Redis;
import co.elastic.clients.elasticsearch.ElasticsearchClient;
import dev.observers.projection.ProjectionDefinition;
import dev.observers.projection.ProjectionRefresher;
import dev.observers.projection.ProjectionSchema;
import dev.observers.projection.ProjectionSink;
import dev.observers.search.IlmPolicies;
import dev.observers.search.IlmPolicy;
import dev.observers.search.IndexTemplate;
import dev.observers.search.Lifecycle;
import dev.observers.search.LifecycleInstaller;
import dev.observers.retention.ChangeLogRetention;
import dev.observers.retention.RetentionPeriod;
import dev.observers.search.RetentionSweeper;
import dev.observers.search.Search;
import dev.observers.search.SearchIndexer;
import dev.observers.subscription.LogPump;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Wires the running daemon: one subscription per observer, split into claims shared with the other
 * daemons on the database, all fed by one log pump that the LISTEN connection wakes; the shared action
 * runner (concurrency limit, breakers) and dedup window; and their meters. Started by
 * {@code observers run}; stopped gracefully: stop reading, let in-flight events finish within the
 * shutdown budget, write the cursors and hand the claims over.
 */
@Singleton
public class Daemon {

    private static final Logger LOG = Logger.getLogger(Daemon.class);

    /**
     * The namespace of the observers' dedup keys and dead letters (and the single cursor of daemons
     * before subscriptions), kept so an upgrade neither repeats effects nor orphans dead letters.
     */
    public static final String OBSERVERS_LISTENER = ClaimStore.LEGACY_LISTENER;

    private final ObserversConfig config;
    private final Postgres postgres;
    private final Vertx vertx;
    private final MeterRegistry registry;
    private final ObserverCatalog catalog;
    private final Redis redis;
    private final Search search;
    private static final Duration RETENTION_PERIOD = Duration.ofHours(1);

    private final String instance = instanceName();
    private ChangeLogNotifications notifications;
    private ActionRunner runner;
    private Subscriptions subscriptions;
    private LogPump pump;
    private BacklogGauges backlog;
    private SearchIndexer indexer;
    private Map<String, Projection> projections = Map.of();
    private RetentionSweeper retention;
    private ChangeLogRetention changeLogRetention;

    /** A projection of the definitions file, checked against the database, ready to refresh. */
    private record Projection(ProjectionRefresher refresher, ProjectionSink.Meters meters) {
    }

    @Inject
    public Daemon(ObserversConfig config, Postgres postgres, Redis redis, Vertx vertx, MeterRegistry registry,
                  ObserverCatalog catalog, Search search) {
        this.search = search;
        this.redis = redis;
        this.config = config;
        this.postgres = postgres;
        this.vertx = vertx;
        this.registry = registry;
        this.catalog = catalog;
    }

    /** Starts with the definitions of {@code observersFile} (and tb_observer); throws when any is broken. */
    public synchronized void start(Optional<Path> observersFile) {
        catalog.start(observersFile);
        var pool = postgres.pool();
        DispatchMetrics metrics = new DispatchMetrics(registry);
        ObserversConfig.Breaker breaker = config.breaker();
        runner = new ActionRunner(config.maxConcurrentActions(), Clock.systemUTC(), metrics,
                () -> new CircuitBreaker(breaker.failureThreshold(), Duration.ofMillis(breaker.openMs()),
                        Duration.ofMillis(Math.max(breaker.openMs(), breaker.maxOpenMs()))),
                breaker.maxWaitMs() == 0 ? Optional.empty() : Optional.of(Duration.ofMillis(breaker.maxWaitMs())));
        Dedup dedup = new Dedup(config.dedup().enabled() ? new RedisDedupStore(redis::client) : DedupStore.none(),
                config.redis().keyPrefix(), Duration.ofSeconds(config.dedupWindowSecs()),
                config.dedup().failClosed(), registry, Clock.systemUTC());
        PgDeadLetterStore deadLetters = new PgDeadLetterStore(pool);
        indexer = search.client().map(client -> searchIndexer(client, deadLetters)).orElse(null);
        projections = projections(pool);
        Duration lease = Duration.ofMillis(config.claims().leaseMs());
        ClaimStore claims = new ClaimStore(pool, instance, lease, config.checkpoint().batchSize());
        var settings = new Subscriptions.Settings(config.claims().partitions(), config.listener().maxInFlight(),
                config.listener().batchSize(),
                new CheckpointPolicy(config.checkpoint().batchSize(), Duration.ofMillis(config.checkpoint().intervalMs())),
                lease.dividedBy(3), Duration.ofMillis(Math.min(config.shutdownTimeoutMs(), lease.toMillis() / 2)));
        ActionRunner actions = runner;
        subscriptions = new Subscriptions(claims, this::subscriptionIds, claim -> {
            if (claim.subscription().equals(SearchIndexer.SUBSCRIPTION)) {
                return new Subscriptions.Sink(indexer.handler(), () -> { },
                        indexer.minInFlight(config.listener().batchSize()));
            }
            Projection projection = projections.get(claim.subscription());
            if (projection != null) {
                ProjectionSink sink = new ProjectionSink(projection.refresher(), deadLetters,
                        config.listener().batchSize(), Duration.ofMillis(config.projections().lingerMs()),
                        projection.meters());
                return new Subscriptions.Sink(sink.handler(), sink::close);
            }
            String name = ClaimId.observerName(claim.subscription());
            Dispatcher dispatcher = new Dispatcher(OBSERVERS_LISTENER, actions, deadLetters, EventJson::of, metrics, dedup);
            ObserverEventHandler handler = new ObserverEventHandler(OBSERVERS_LISTENER,
                    () -> catalog.planner().only(name), dispatcher, dedup);
            return new Subscriptions.Sink(handler, handler::shutdownNow);
        }, id -> ClaimId.isObserver(id) ? actions.waitingOnBreaker(ClaimId.observerName(id)) : 0,
                settings, registry, Clock.systemUTC());
        Duration poll = Duration.ofMillis(config.listener().pollIntervalMs());
        pump = new LogPump(new ChangeLogReader(pool), poll.compareTo(settings.heartbeat()) < 0 ? poll : settings.heartbeat(),
                Duration.ofMillis(config.listener().minReadIntervalMs()), subscriptions, claims::wakeups);
        subscriptions.attach(pump);
        FunctionCounter.builder("observer_log_reads_total", pump, LogPump::reads)
                .description("Queries of the change log (one serves every subscription at the same position)")
                .register(registry);
        if (backlog == null) {
            backlog = new BacklogGauges(new LagReader(pool), new DeadLetterTable(pool),
                    this::subscriptionIds,
                    registry, Duration.ofMillis(config.lagRefreshMs()));
        }
        backlog.start();
        notifications = new ChangeLogNotifications(vertx, postgres.url());
        notifications.onNotify(pump::wake);
        notifications.start();
        pump.start();
        config.changelog().retention().map(RetentionPeriod::parse).ifPresent(period -> {
            changeLogRetention = new ChangeLogRetention(pool, period, config.changelog().retentionBatchSize(),
                    Clock.systemUTC(), registry);
            changeLogRetention.start(Duration.ofMillis(config.changelog().retentionIntervalMs()));
        });
    }

    /** Graceful stop; returns the events left unfinished (replayed at the next start). */
    public synchronized int stop() throws InterruptedException {
        if (pump == null) {
            return 0;
        }
        pump.stop();
        if (changeLogRetention != null) {
            changeLogRetention.close();
            changeLogRetention = null;
        }
        if (indexer != null) {
            indexer.flush();
        }
        int unfinished = subscriptions.stop(Duration.ofMillis(config.shutdownTimeoutMs()));
        runner.close();
        if (indexer != null) {
            indexer.close();
        }
        if (retention != null) {
            retention.close();
            retention = null;
        }
        backlog.close();
        notifications.close();
        catalog.stop();
        pump = null;
        return unfinished;
    }

    /** The lag and dead-letter figures the gauges serve; empty before the daemon started. */
    public Optional<BacklogGauges> backlog() {
        return Optional.ofNullable(backlog);
    }

    /** Whether the daemon runs and its log pump reads; empty before it started. */
    public Optional<LogPump> pump() {
        return Optional.ofNullable(pump);
    }

    /** The subscriptions with a claim in this daemon. */
    public List<Subscriptions.View> subscriptions() {
        return subscriptions == null || pump == null ? List.of() : subscriptions.views();
    }

    /**
     * The ids of the subscriptions in force ({@code observer:<name>}, and {@code search:events} when
     * Elasticsearch is configured), whichever daemon holds them.
     */
    public List<String> subscriptionIds() {
        List<String> ids = new ArrayList<>(catalog.planner().observers().stream().map(ClaimId::observer).toList());
        if (indexer != null) {
            ids.add(SearchIndexer.SUBSCRIPTION);
        }
        ids.addAll(projections.keySet());
        return ids;
    }

    /**
     * The projections of the definitions file by subscription id, each checked against the database
     * first (table and view with id and data, a unique id, cascade queries that prepare): a mismatch
     * stops the start with every problem and where it is defined.
     */
    private Map<String, Projection> projections(Pool pool) {
        List<ProjectionDefinition> defined = catalog.projections();
        List<ProjectionSchema.Shape> shapes = ProjectionSchema.check(pool, defined);
        Map<String, Projection> out = new LinkedHashMap<>();
        for (int i = 0; i < defined.size(); i++) {
            ProjectionDefinition p = defined.get(i);
            out.put(p.subscription(), new Projection(new ProjectionRefresher(pool, p, shapes.get(i)),
                    new ProjectionSink.Meters(p.table(), registry)));
        }
        if (!out.isEmpty()) {
            LOG.infof("%d projection(s): %s", out.size(), String.join(", ", defined.stream()
                    .map(p -> p.table() + " <- " + p.view()).toList()));
        }
        return out;
    }

    /** The search indexer's last failure talking to Elasticsearch, if it runs and has one. */
    public Optional<String> searchError() {
        SearchIndexer i = indexer;
        return i == null ? Optional.empty() : Optional.ofNullable(i.lastError());
    }

    /** Events completed by the slowest subscription of this process (what the demo counts). */
    public long eventsProcessed() {
        return subscriptions == null ? 0 : subscriptions.eventsProcessed();
    }

    /** Whether every claim here has read to the end of the log and finished what it read. */
    public boolean caughtUp() {
        return subscriptions != null && subscriptions.caughtUp();
    }

    /**
     * The indexer, which first installs the lifecycle policy (or, on a cluster without ILM, starts the
     * daemon's own retention sweep) and the template; a broken policy file stops the start here.
     */
    private SearchIndexer searchIndexer(ElasticsearchClient client, PgDeadLetterStore deadLetters) {
        ObserversConfig.Elasticsearch es = config.elasticsearch();
        IlmPolicy policy = IlmPolicies.load(es.ilmPolicy(), es.retentionDays());
        var template = new IndexTemplate.Settings(es.indexPrefix(), es.shards(), es.replicas(), es.refreshInterval());
        var settings = new SearchIndexer.Settings(es.indexPrefix(), es.bulkSize(), es.bulkMaxBytes(),
                Duration.ofMillis(es.flushIntervalMs().orElse(es.flushIntervalSecs() * 1000L)),
                es.maxConcurrentRequests());
        return SearchIndexer.start(client, settings, () -> {
            Lifecycle lifecycle = new LifecycleInstaller(client).install(policy);
            IndexTemplate.install(client, template, lifecycle.templatePolicy());
            if (lifecycle instanceof Lifecycle.Unmanaged) {
                startRetention(new RetentionSweeper(client, es.indexPrefix(), policy.retentionDays(), Clock.systemUTC()));
            }
        }, deadLetters, registry);
    }

    private synchronized void startRetention(RetentionSweeper sweeper) {
        if (retention != null) {
            retention.close();
        }
        retention = sweeper;
        retention.start(RETENTION_PERIOD);
    }

    /** This process, as claims and checkpoints record it: host, pid and a start nonce. */
    private static String instanceName() {
        return "observers@" + ManagementFactory.getRuntimeMXBean().getName() + "#"
                + Long.toHexString(System.nanoTime() & 0xffffff);
    }
}

package dev.observers.observer;

import dev.observers.action.ActionFactory;
import dev.observers.config.ObserversConfig;
import dev.observers.dispatch.EventPlanner;
import dev.observers.lookup.Lookups;
import dev.observers.postgres.Postgres;
import dev.observers.projection.ProjectionDefinition;
import dev.observers.redis.Redis;
import io.micrometer.core.instrument.MeterRegistry;
import org.redisson.api.RedissonClient;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The observers in force: those of the {@code OBSERVERS_CONFIG} file and FraiseQL's {@code tb_observer}
 * table. At start a broken definition stops the daemon; later, an edited file is reloaded when its
 * content changes, and a broken edit is refused with its errors while the old observers stay active.
 */
@Singleton
public class ObserverCatalog {

    private static final Logger LOG = Logger.getLogger(ObserverCatalog.class);
    private static final Duration WATCH_PERIOD = Duration.ofSeconds(1);

    private final ObserversConfig config;
    private final Postgres postgres;
    private final ActionFactory actions;
    private final Redis redis;
    private final MeterRegistry registry;
    private final AtomicReference<ObserverPlanner> current = new AtomicReference<>();
    private final AtomicReference<List<ProjectionDefinition>> projections = new AtomicReference<>();
    private Lookups lookups;
    private volatile boolean watching;
    private Thread watcher;
    private byte[] loadedDigest;

    @Inject
    public ObserverCatalog(ObserversConfig config, Postgres postgres, Redis redis, ActionFactory actions,
                           MeterRegistry registry) {
        this.redis = redis;
        this.registry = registry;
        this.config = config;
        this.postgres = postgres;
        this.actions = actions;
    }

    /**
     * Loads the observers; throws ({@link ObserverConfigException} or IllegalArgumentException) when
     * any definition is broken, so the daemon refuses to start.
     */
    public synchronized void start(Optional<Path> observersFile) {
        Path file = observersFile.orElse(null);
        byte[] digest = file == null ? null : digest(file);
        ObserverPlanner planner = build(file);
        current.set(planner);
        loadedDigest = digest;
        if (planner.size() == 0 && file != null) {
            LOG.warnf("%s defines no observers (and tb_observer has none); no observer subscription runs", file);
        } else if (planner.size() == 0) {
            // A first run with nothing configured is not a fault: the daemon works, it just has nothing to do yet.
            LOG.info("no observers defined (set OBSERVERS_CONFIG to a definitions file, or add rows to tb_observer);"
                    + " no observer subscription runs until one is (search indexing, when configured, does)");
        } else {
            LOG.infof("%d observer(s) loaded%s", planner.size(), file == null ? "" : " from " + file);
        }
        if (file != null) {
            watching = true;
            watcher = Thread.ofVirtual().name("observers-file-watch").start(() -> watch(file));
        }
    }

    /** The lookups of every planner, created when the first observer with lookups is loaded. */
    private synchronized Lookups lookups() {
        if (lookups == null) {
            Optional<RedissonClient> client;
            try {
                client = Optional.of(redis.client());
            } catch (RuntimeException e) {
                LOG.warnf("lookup cache without its Redis level: %s", e.getMessage());
                client = Optional.empty();
            }
            lookups = Lookups.create(config, postgres.pool(), client, registry);
        }
        return lookups;
    }

    /** The projections of the definitions file, as loaded at start (they change with a restart only). */
    public List<ProjectionDefinition> projections() {
        List<ProjectionDefinition> p = projections.get();
        return p == null ? List.of() : p;
    }

    /** The planner in force now. */
    public ObserverPlanner planner() {
        return current.get();
    }

    public synchronized void stop() {
        watching = false;
        if (lookups != null) {
            lookups.close();
            lookups = null;
        }
        if (watcher != null) {
            watcher.interrupt();
        }
    }

    /** Reloads when the file's content changed; returns whether new observers took effect. */
    synchronized boolean reloadIfChanged(Path file) {
        byte[] digest = digest(file);
        if (digest == null || Arrays.equals(digest, loadedDigest)) {
            return false;
        }
        loadedDigest = digest;
        try {
            ObserverPlanner planner = build(file);
            current.set(planner);
            LOG.infof("reloaded %s: %d observer(s) in force", file, planner.size());
            return true;
        } catch (ObserverConfigException | IllegalArgumentException e) {
            LOG.errorf("refused the edit of %s; the previous observers stay active:%n%s", file, e.getMessage());
            return false;
        }
    }

    /** The observers of one load: their definitions and the planner compiled from them. */
    public record Snapshot(List<ObserverDefinition> definitions, EventPlanner planner) {

        public Optional<ObserverDefinition> definition(String name) {
            return definitions.stream().filter(d -> d.name().equals(name)).findFirst();
        }
    }

    /**
     * Loads the observers once, without watching the file, for commands that act on them outside the
     * daemon ({@code dlq retry}); throws like {@link #start} when any definition is broken.
     */
    public Snapshot snapshot(Optional<Path> observersFile) {
        List<ObserverDefinition> definitions = definitions(observersFile.orElse(null));
        return new Snapshot(List.copyOf(definitions), planner(definitions));
    }

    private ObserverPlanner build(Path file) {
        return planner(definitions(file));
    }

    private ObserverPlanner planner(List<ObserverDefinition> definitions) {
        return new ObserverPlanner(definitions, actions, Duration.ofMillis(config.actionTimeoutMs()), this::lookups);
    }

    private List<ObserverDefinition> definitions(Path file) {
        List<ObserverDefinition> definitions = new ArrayList<>();
        if (file != null) {
            Definitions loaded = ObserverFileLoader.loadAll(file);
            definitions.addAll(loaded.observers());
            List<ProjectionDefinition> before = projections.get();
            if (before == null) {
                projections.set(loaded.projections());
            } else if (!ProjectionDefinition.sameShape(before, loaded.projections())) {
                LOG.warnf("%s: the projections changed; they take effect at the next start (observers reload now)", file);
            }
        }
        definitions.addAll(new TbObserverLoader(postgres.pool(), LOG::warn).load());
        Set<String> names = new HashSet<>();
        for (ObserverDefinition d : definitions) {
            if (!names.add(d.name())) {
                throw new IllegalArgumentException(d.origin() + ": observer name '" + d.name()
                        + "' is defined twice (names must be unique across the file and tb_observer)");
            }
        }
        return definitions;
    }

    private void watch(Path file) {
        while (watching) {
            try {
                Thread.sleep(WATCH_PERIOD.toMillis());
                reloadIfChanged(file);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.errorf("watching %s: %s", file, e.getMessage());
            }
        }
    }

    private static byte[] digest(Path file) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
        } catch (IOException e) {
            return null;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

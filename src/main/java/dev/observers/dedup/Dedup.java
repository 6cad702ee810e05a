package dev.observers.dedup;

import dev.observers.changelog.ChangeEvent;
import dev.observers.dispatch.RetryPolicy;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Supplier;

/**
 * The dedup window: which actions of which events were already done, so a replay repeats only the
 * actions that were in flight when a daemon died. An action is marked done when it succeeds; the
 * actions of a read batch are checked in one round trip before they run. When Redis is down it either
 * keeps delivering (the default: at-least-once, the outage logged once and the skipped checks counted)
 * or, fail-closed, waits.
 */
public final class Dedup {

    private static final Logger LOG = Logger.getLogger(Dedup.class);
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
    private static final int MAX_GROUP = 1_000;
    private static final RetryPolicy PROBES = RetryPolicy.backoff(FIRST_BACKOFF, MAX_BACKOFF);

    private final DedupStore store;
    private final boolean enabled;
    private final String prefix;
    private final Duration window;
    private final boolean failClosed;
    private final Clock clock;
    private final Counter skipped;
    private final Counter unchecked;
    private final BlockingQueue<PendingDone> doneQueue = new LinkedBlockingQueue<>();
    private Thread writer;
    private Instant outageSince;
    private Instant nextProbe = Instant.MIN;
    private int failedProbes;

    public Dedup(DedupStore store, String keyPrefix, Duration window, boolean failClosed, MeterRegistry registry,
                 Clock clock) {
        this.store = store;
        this.enabled = store != DedupStore.NONE;
        this.prefix = keyPrefix + "dedup:";
        this.window = window;
        this.failClosed = failClosed;
        this.clock = clock;
        this.skipped = Counter.builder("observer_dedup_skipped_total")
                .description("Actions not run because the dedup window says they were done").register(registry);
        this.unchecked = Counter.builder("observer_dedup_unchecked_total")
                .description("Actions run without a dedup check because Redis was unavailable").register(registry);
        Gauge.builder("observer_dedup_available", this, d -> d.available() ? 1 : 0)
                .description("1 while the dedup store answers").register(registry);
    }

    /** False without a store ({@link DedupStore#NONE}): nothing is checked or marked, and keys need not be built. */
    public boolean enabled() {
        return enabled;
    }

    /** The key of one action of one event for one listener. */
    public String key(String listener, ChangeEvent event, String observer, int actionIndex) {
        String id = event.id() != null ? event.id().toString() : "pk" + event.pk();
        return prefix + listener + ":" + id + ":" + observer + ":" + actionIndex;
    }

    /**
     * Which of {@code keys} are done. Fail-open: empty while Redis is down (those actions run, counted as
     * unchecked). Fail-closed: waits until Redis answers.
     */
    public Set<String> done(Collection<String> keys) throws InterruptedException {
        if (keys.isEmpty() || !enabled) {
            return Set.of();
        }
        Set<String> done = call(() -> store.done(keys), keys.size());
        return counted(done == null ? Set.of() : done);
    }

    /**
     * {@link #done} without waiting for Redis. While Redis is down it completes empty (fail-open, counted)
     * or fails with {@link DedupUnavailableException} (fail-closed: the caller then waits in {@link #done}).
     */
    public CompletableFuture<Set<String>> doneAsync(Collection<String> keys) {
        if (keys.isEmpty() || !enabled) {
            return CompletableFuture.completedFuture(Set.of());
        }
        if (outage()) {
            return unavailableNow(keys.size(), null);
        }
        return store.doneAsync(keys).handle((done, failure) -> {
            if (failure == null) {
                recovered();
                return CompletableFuture.completedFuture(counted(done));
            }
            Throwable cause = failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure;
            if (!(cause instanceof DedupUnavailableException e)) {
                return CompletableFuture.<Set<String>>failedFuture(cause);
            }
            failed(e);
            return unavailableNow(keys.size(), e);
        }).thenCompose(f -> f);
    }

    private CompletableFuture<Set<String>> unavailableNow(int actions, DedupUnavailableException e) {
        if (failClosed) {
            return CompletableFuture.failedFuture(e != null ? e : new DedupUnavailableException("Redis unavailable", null));
        }
        unchecked.increment(actions);
        return CompletableFuture.completedFuture(Set.of());
    }

    private Set<String> counted(Set<String> done) {
        if (!done.isEmpty()) {
            skipped.increment(done.size());
        }
        return done;
    }

    /**
     * Records that the action succeeded and returns once that is stored (or skipped, fail-open). Marks
     * from concurrent actions are written together, one script call per group.
     */
    public void markDone(String key) throws InterruptedException {
        try {
            markDoneLater(key).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("writing a dedup mark failed", e.getCause());
        }
    }

    /**
     * Queues the mark and returns at once; the future completes once it is stored (or skipped,
     * fail-open), on the writer's thread. Already complete when dedup is disabled.
     */
    public CompletableFuture<Void> markDoneLater(String key) {
        if (!enabled) {
            return DONE;
        }
        CompletableFuture<Void> stored = new CompletableFuture<>();
        doneQueue.add(new PendingDone(key, stored));
        startWriter();
        return stored;
    }

    private record PendingDone(String key, CompletableFuture<Void> stored) {
    }

    private synchronized void startWriter() {
        if (writer == null) {
            writer = Thread.ofPlatform().daemon().name("dedup-done-writer").start(this::writeDoneMarks);
        }
    }

    private void writeDoneMarks() {
        List<PendingDone> group = new ArrayList<>();
        while (true) {
            try {
                group.add(doneQueue.take());
                doneQueue.drainTo(group, MAX_GROUP - 1);
                List<String> keys = group.stream().map(PendingDone::key).toList();
                call(() -> {
                    store.markDone(keys, window);
                    return Boolean.TRUE;
                }, 0);
                group.forEach(p -> p.stored().complete(null));
            } catch (InterruptedException e) {
                group.forEach(p -> p.stored().completeExceptionally(e));
                return;
            } catch (RuntimeException e) {
                group.forEach(p -> p.stored().completeExceptionally(e));
            }
            group.clear();
        }
    }

    public synchronized boolean available() {
        return outageSince == null;
    }

    /** Runs {@code op} against the store per the availability policy; null when skipped (fail-open). */
    private <T> T call(Supplier<T> op, int actions) throws InterruptedException {
        while (true) {
            if (!outage()) {
                try {
                    T result = op.get();
                    recovered();
                    return result;
                } catch (DedupUnavailableException e) {
                    failed(e);
                }
            }
            if (!failClosed) {
                unchecked.increment(actions);
                return null;
            }
            Thread.sleep(Math.max(1, Duration.between(clock.instant(), probeTime()).toMillis()));
        }
    }

    private synchronized boolean outage() {
        return outageSince != null && clock.instant().isBefore(nextProbe);
    }

    private synchronized Instant probeTime() {
        return nextProbe;
    }

    private synchronized void failed(DedupUnavailableException e) {
        Instant now = clock.instant();
        if (outageSince == null) {
            outageSince = now;
            failedProbes = 0;
            LOG.warnf("dedup store unavailable (%s); %s until it returns", e.getMessage(),
                    failClosed ? "waiting (OBSERVERS_DEDUP_FAIL_CLOSED=true)"
                            : "delivering without dedup checks (at-least-once)");
        }
        nextProbe = now.plus(PROBES.delayAfter(++failedProbes, 0.5));
    }

    private synchronized void recovered() {
        if (outageSince != null) {
            LOG.infof("dedup store is back after %d s; dedup resumed",
                    Duration.between(outageSince, clock.instant()).toSeconds());
            outageSince = null;
            failedProbes = 0;
        }
    }
}

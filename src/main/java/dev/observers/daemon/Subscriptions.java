package dev.observers.daemon;

import dev.observers.changelog.EventHandler;
import dev.observers.checkpoint.CheckpointPolicy;
import dev.observers.checkpoint.Position;
import dev.observers.claim.ClaimId;
import dev.observers.claim.ClaimStore;
import dev.observers.claim.Rebalance;
import dev.observers.subscription.LogPump;
import dev.observers.subscription.Subscription;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * The subscriptions of this daemon — one per observer ({@code observer:<name>}) and the search
 * indexer ({@code search:events}) — split into claims (subscription × partition) that it takes, renews
 * and hands over through the {@link ClaimStore}. Runs on the log
 * pump's thread before each round: writes the cursors that are due, in one statement, and at every
 * heartbeat re-plans its share (observers added or removed by a reload, daemons joining or leaving).
 */
public final class Subscriptions implements LogPump.Round {

    private static final Logger LOG = Logger.getLogger(Subscriptions.class);

    /**
     * What one claim runs on: the handler its rows go to, how to stop that handler's work, and the
     * fewest events it needs in flight to keep its own pipeline busy (0: the configured bound serves).
     */
    record Sink(EventHandler handler, Runnable shutdownNow, int minInFlight) {
        Sink(EventHandler handler, Runnable shutdownNow) {
            this(handler, shutdownNow, 0);
        }
    }

    /** Knobs of the subscriptions. */
    record Settings(int partitions, int maxInFlight, int chunk, CheckpointPolicy checkpoint, Duration heartbeat,
                    Duration handoverTimeout) {
    }

    /** One subscription as this daemon sees it, over the claims it holds of it. */
    public record View(String id, Subscription.State state, int claims, int inFlight, long processed, Duration waiting) {
    }

    private record Running(Subscription subscription, Sink sink) {
    }

    private record Draining(Running running, Instant deadline) {
    }

    /** A cursor write on its way: what it wrote, for whom, and the claims its answer says are still ours. */
    private record PendingSave(List<ClaimStore.Save> saves, Map<String, Running> byId,
                               CompletableFuture<Set<String>> owned) {
    }

    private final class Meters {
        final String subscription;
        final LongAdder processed = new LongAdder();
        final LongAdder writes = new LongAdder();
        final List<Meter> meters = new ArrayList<>();
        volatile Instant waitingSince;

        Meters(String subscription) {
            this.subscription = subscription;
            String id = subscription;
            meters.add(FunctionCounter.builder("observer_events_processed_total", processed, LongAdder::doubleValue)
                    .description("Change-log events the subscription completed in this process").tag("listener", id)
                    .register(registry));
            meters.add(FunctionCounter.builder("observer_checkpoint_writes_total", writes, LongAdder::doubleValue)
                    .description("Cursor writes that moved one of the subscription's cursors").tag("listener", id)
                    .register(registry));
            meters.add(Gauge.builder("observer_listener_in_flight", this, m -> sum(m.subscription, Subscription::inFlight))
                    .description("Events read and not yet complete").tag("listener", id).register(registry));
            meters.add(Gauge.builder("observer_subscription_claims", this,
                            m -> sum(m.subscription, s -> s.stopping() ? 0 : 1))
                    .description("Partitions of the subscription this daemon holds").tag("listener", id)
                    .register(registry));
            meters.add(Gauge.builder("observer_subscription_waiting_seconds", this, m -> m.waiting().toMillis() / 1000.0)
                    .description("How long the subscription has been waiting on an open circuit breaker; 0 when not")
                    .tag("listener", id).baseUnit("seconds").register(registry));
        }

        Duration waiting() {
            Instant since = waitingSince;
            return since == null ? Duration.ZERO : Duration.between(since, clock.instant());
        }
    }

    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(60);

    private final ClaimStore store;
    private final Supplier<List<String>> subscriptions;
    private final Function<ClaimId, Sink> sinks;
    private final ToIntFunction<String> waitingOnBreaker;
    private final Settings settings;
    private final MeterRegistry registry;
    private final Clock clock;
    private final Map<ClaimId, Running> running = new ConcurrentHashMap<>();
    private final Map<ClaimId, Draining> draining = new ConcurrentHashMap<>();
    private final Map<String, Meters> meters = new ConcurrentHashMap<>();
    private volatile LogPump pump;
    private volatile int liveDaemons = 1;
    private volatile boolean planned;
    private Instant nextHeartbeat = Instant.MIN;
    private PendingSave pendingSave;

    /**
     * @param subscriptions    the ids of the subscriptions in force now (a reload changes them)
     * @param sinks            builds what a newly taken claim delivers to
     * @param waitingOnBreaker how many actions of a subscription wait on an open breaker now
     */
    Subscriptions(ClaimStore store, Supplier<List<String>> subscriptions, Function<ClaimId, Sink> sinks,
                          ToIntFunction<String> waitingOnBreaker, Settings settings, MeterRegistry registry, Clock clock) {
        this.store = store;
        this.subscriptions = subscriptions;
        this.sinks = sinks;
        this.waitingOnBreaker = waitingOnBreaker;
        this.settings = settings;
        this.registry = registry;
        this.clock = clock;
    }

    void attach(LogPump pump) {
        this.pump = pump;
    }

    @Override
    public void run() throws InterruptedException {
        Instant now = clock.instant();
        boolean heartbeat = !now.isBefore(nextHeartbeat);
        if (heartbeat) {
            finishSave();
            rebalance();
            planned = true;
            nextHeartbeat = now.plus(settings.heartbeat());
        }
        save(heartbeat);
        finishDraining(false);
        for (Meters m : meters.values()) {
            boolean waiting = running.values().stream().anyMatch(r -> r.subscription().claim().subscription()
                    .equals(m.subscription) && r.subscription().state() == Subscription.State.WAITING_ON_BREAKER);
            m.waitingSince = waiting ? (m.waitingSince == null ? now : m.waitingSince) : null;
        }
    }

    /** The subscriptions with a claim here, by id, in name order. */
    List<View> views() {
        Map<String, List<Subscription>> by = new LinkedHashMap<>();
        for (ClaimId c : new TreeSet<>(running.keySet())) {
            by.computeIfAbsent(c.subscription(), k -> new ArrayList<>()).add(running.get(c).subscription());
        }
        List<View> out = new ArrayList<>();
        for (Map.Entry<String, List<Subscription>> e : by.entrySet()) {
            List<Subscription> subs = e.getValue();
            Subscription.State state = subs.stream().map(Subscription::state)
                    .max(Enum::compareTo).orElse(Subscription.State.RUNNING);
            Meters m = meters.get(e.getKey());
            out.add(new View(e.getKey(), state, (int) subs.stream().filter(s -> !s.stopping()).count(),
                    subs.stream().mapToInt(Subscription::inFlight).sum(), m == null ? 0 : m.processed.longValue(),
                    m == null ? Duration.ZERO : m.waiting()));
        }
        return out;
    }

    /** Events completed by every subscription here (the least of them: what the whole daemon has done). */
    long eventsProcessed() {
        return meters.values().stream().mapToLong(m -> m.processed.longValue()).min().orElse(0);
    }

    /** Whether every claim here has read to the end of the log and finished what it read. */
    boolean caughtUp() {
        return planned && running.values().stream().allMatch(r -> r.subscription().caughtUp());
    }

    int liveDaemons() {
        return liveDaemons;
    }

    /**
     * Stops reading, waits up to {@code timeout} for in-flight events, writes every cursor and gives
     * every claim up so other daemons take them at once. Returns the events still unfinished.
     */
    int stop(Duration timeout) throws InterruptedException {
        try {
            finishSave();
        } catch (RuntimeException e) {
            LOG.warnf("writing cursors: %s", e.getMessage());
        }
        for (Running r : running.values()) {
            r.subscription().stop();
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inFlight() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        int unfinished = inFlight();
        List<Running> all = new ArrayList<>(running.values());
        for (Draining d : draining.values()) {
            all.add(d.running());
        }
        List<ClaimStore.Save> saves = new ArrayList<>();
        for (Running r : all) {
            r.sink().shutdownNow().run();
            r.subscription().saveDue(true).ifPresent(saves::add);
        }
        try {
            store.release(saves);
            store.leave();
        } catch (RuntimeException e) {
            LOG.warnf("cannot hand the claims over (%s); other daemons take them when their leases expire",
                    e.getMessage());
        }
        for (Running r : all) {
            LOG.infof("subscription %s stopped at %s", r.subscription().id(), r.subscription().safePosition());
            pump.remove(r.subscription());
        }
        running.clear();
        draining.clear();
        meters.values().forEach(m -> m.meters.forEach(registry::remove));
        meters.clear();
        return unfinished;
    }

    private int inFlight() {
        int n = 0;
        for (Running r : running.values()) {
            n += r.subscription().inFlight();
        }
        for (Draining d : draining.values()) {
            n += d.running().subscription().inFlight();
        }
        return n;
    }

    private void rebalance() {
        List<String> live = store.heartbeat();
        liveDaemons = live.size();
        Set<String> names = new TreeSet<>(subscriptions.get());
        List<ClaimId> desired = new ArrayList<>();
        for (String name : names) {
            int partitions = ClaimId.partitionsOf(name, settings.partitions());
            for (int p = 0; p < partitions; p++) {
                desired.add(new ClaimId(name, p, partitions));
            }
        }
        List<ClaimStore.Cursor> cursors = store.cursors();
        Set<String> stored = new HashSet<>();
        cursors.forEach(c -> stored.add(c.listenerId()));
        if (desired.stream().anyMatch(c -> !stored.contains(c.listenerId())) || stored.contains(ClaimStore.LEGACY_LISTENER)) {
            store.ensure(desired);
        }
        Set<ClaimId> ownedByOther = new HashSet<>();
        for (ClaimStore.Cursor c : cursors) {
            if (c.leasedBy().isPresent() && !c.leasedBy().get().equals(store.instance())) {
                ClaimId.parse(c.listenerId()).ifPresent(ownedByOther::add);
            }
        }
        Rebalance plan = Rebalance.plan(desired, new HashSet<>(running.keySet()), ownedByOther, live,
                store.instance());
        for (ClaimId c : plan.release()) {
            Running r = running.remove(c);
            if (r != null) {
                r.subscription().stop();
                draining.put(c, new Draining(r, clock.instant().plus(settings.handoverTimeout())));
                LOG.infof("handing %s over (%d daemon(s) share the claims)", c, liveDaemons);
            }
        }
        int taken = 0;
        for (ClaimId c : plan.take()) {
            if (taken >= plan.wanted()) {
                break;
            }
            if (draining.containsKey(c)) {
                continue;
            }
            Optional<Position> cursor = store.claim(c);
            if (cursor.isEmpty()) {
                continue;
            }
            start(c, cursor.get());
            taken++;
        }
        for (String name : new ArrayList<>(meters.keySet())) {
            if (!names.contains(name)) {
                meters.remove(name).meters.forEach(registry::remove);
            }
        }
    }

    private void start(ClaimId claim, Position cursor) {
        String name = claim.subscription();
        Meters m = meters.computeIfAbsent(name, Meters::new);
        Sink sink = sinks.apply(claim);
        Subscription s = new Subscription(claim, cursor, sink.handler(),
                Math.max(settings.maxInFlight(), sink.minInFlight()), settings.chunk(),
                settings.checkpoint(), clock, () -> pump.wake(), () -> waitingOnBreaker.applyAsInt(name), m.processed);
        running.put(claim, new Running(s, sink));
        pump.add(s);
        LOG.infof("subscription %s claimed, starting after %s", claim, cursor);
    }

    /**
     * Writes the cursors that are due (all of them at a heartbeat, which renews their leases) in one statement.
     * The pump does not wait for a write of cursors alone: it goes on reading and dispatching while the write
     * is on its way, and the next write starts once it is answered. A heartbeat's write, and any that must
     * come after one, wait for the answer.
     */
    private void save(boolean all) {
        if (pendingSave != null) {
            if (!all && !pendingSave.owned().isDone()) {
                return;
            }
            finishSave();
        }
        List<ClaimStore.Save> saves = new ArrayList<>();
        Map<String, Running> byId = new HashMap<>();
        for (Running r : running.values()) {
            r.subscription().saveDue(all).ifPresent(s -> {
                saves.add(s);
                byId.put(s.listenerId(), r);
            });
        }
        if (saves.isEmpty()) {
            return;
        }
        pendingSave = new PendingSave(saves, byId, store.renewAsync(saves));
        if (all) {
            finishSave();
        }
    }

    /** Waits for the cursor write on its way, if any, and applies its answer. */
    private void finishSave() {
        PendingSave p = pendingSave;
        if (p == null) {
            return;
        }
        pendingSave = null;
        Set<String> owned;
        try {
            owned = p.owned().get(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing cursors", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause.getMessage(), cause);
        } catch (TimeoutException e) {
            throw new IllegalStateException("writing cursors took longer than " + WRITE_TIMEOUT.toSeconds() + " s");
        }
        for (ClaimStore.Save s : p.saves()) {
            Running r = p.byId().get(s.listenerId());
            if (owned.contains(s.listenerId())) {
                if (s.position().isAfter(r.subscription().savedPosition())) {
                    Meters m = meters.get(r.subscription().claim().subscription());
                    if (m != null) {
                        m.writes.increment();
                    }
                }
                r.subscription().saved(s);
            } else if (running.get(r.subscription().claim()) == r) {
                LOG.warnf("claim %s was taken over by another daemon (its lease expired); stopping it here without"
                        + " writing its cursor", s.listenerId());
                lose(r);
            }
        }
    }

    private void lose(Running r) {
        r.subscription().stop();
        r.sink().shutdownNow().run();
        running.remove(r.subscription().claim());
        pump.remove(r.subscription());
    }

    /** Hands over the released claims whose in-flight events are done (or whose hand-over time ran out). */
    private void finishDraining(boolean force) {
        List<ClaimStore.Save> saves = new ArrayList<>();
        List<Draining> done = new ArrayList<>();
        Instant now = clock.instant();
        for (Draining d : draining.values()) {
            Subscription s = d.running().subscription();
            boolean overdue = now.isAfter(d.deadline());
            if (s.inFlight() == 0 || overdue || force) {
                if (s.inFlight() > 0) {
                    LOG.warnf("handing %s over with %d event(s) unfinished after %d ms; the next owner runs them again",
                            s.id(), s.inFlight(), settings.handoverTimeout().toMillis());
                    d.running().sink().shutdownNow().run();
                }
                s.saveDue(true).ifPresent(saves::add);
                done.add(d);
            }
        }
        if (done.isEmpty()) {
            return;
        }
        finishSave();
        store.release(saves);
        for (Draining d : done) {
            Subscription s = d.running().subscription();
            draining.remove(s.claim());
            pump.remove(s);
            if (s.inFlight() == 0) {
                d.running().sink().shutdownNow().run();
            }
            LOG.infof("handed %s over at %s", s.id(), s.safePosition());
        }
    }

    private int sum(String id, ToIntFunction<Subscription> f) {
        int n = 0;
        for (Running r : running.values()) {
            if (r.subscription().claim().subscription().equals(id)) {
                n += f.applyAsInt(r.subscription());
            }
        }
        return n;
    }
}

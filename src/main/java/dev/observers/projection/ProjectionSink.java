package dev.observers.projection;

import dev.observers.action.EventJson;
import dev.observers.changelog.ChangeEvent;
import dev.observers.changelog.EventHandler;
import dev.observers.dispatch.DeadLetter;
import dev.observers.dispatch.DeadLetterStore;
import dev.observers.dispatch.RetryPolicy;
import dev.observers.dispatch.StoredDeadLetter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A projection's claim: the events the pump hands over are queued, and one worker takes what has
 * queued up, waiting up to {@code linger} for more after the first (at most {@code maxBatch} events), refreshes every row they affect in one transaction and
 * only then completes them, so the cursor never passes a refresh that did not commit. A batch that
 * keeps failing is retried event by event; an event whose own refresh still fails after the retries
 * is dead-lettered ({@code refresh_failed}) and completed, so one bad row never stops the projection.
 */
public final class ProjectionSink implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ProjectionSink.class);
    private static final RetryPolicy RETRIES = RetryPolicy.backoff(Duration.ofMillis(100), Duration.ofSeconds(10));
    private static final int ATTEMPTS = 3;

    private record Pending(ChangeEvent event, Runnable done) {
    }

    private final ProjectionRefresher refresher;
    private final DeadLetterStore deadLetters;
    private final int maxBatch;
    private final Duration linger;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Meters meters;
    private final Thread worker;
    private volatile boolean closed;
    private volatile String lastError;

    /** The meters of one projection, shared by its sinks. */
    public static final class Meters {
        final Counter refreshes;
        final Counter written;
        final Counter unchanged;
        final Counter deleted;
        final Counter failed;
        final Timer duration;

        public Meters(String table, MeterRegistry registry) {
            refreshes = Counter.builder("observer_projection_refreshes_total").tag("projection", table)
                    .description("Refresh transactions of a projection (one per batch of events)").register(registry);
            written = Counter.builder("observer_projection_rows_written_total").tag("projection", table)
                    .description("Projection rows inserted or updated because their document changed")
                    .register(registry);
            unchanged = Counter.builder("observer_projection_rows_unchanged_total").tag("projection", table)
                    .description("Projection rows recomputed whose document was already equal (no write)")
                    .register(registry);
            deleted = Counter.builder("observer_projection_rows_deleted_total").tag("projection", table)
                    .description("Projection rows deleted because their id left the view").register(registry);
            failed = Counter.builder("observer_projection_events_failed_total").tag("projection", table)
                    .description("Events whose refresh kept failing (dead-lettered)").register(registry);
            duration = Timer.builder("observer_projection_refresh_seconds").tag("projection", table)
                    .description("Time of one refresh transaction").publishPercentileHistogram()
                    .register(registry);
        }
    }

    public ProjectionSink(ProjectionRefresher refresher, DeadLetterStore deadLetters, int maxBatch, Duration linger,
                          Meters meters) {
        this.refresher = refresher;
        this.linger = linger;
        this.deadLetters = deadLetters;
        this.maxBatch = Math.max(1, maxBatch);
        this.meters = meters;
        this.worker = Thread.ofVirtual().name("projection-" + refresher.projection().table()).start(this::work);
    }

    /** What the projection's claim hands its rows to; rows that are not events need no refresh. */
    public EventHandler handler() {
        return batch -> {
            for (EventHandler.Item item : batch) {
                switch (item) {
                    case EventHandler.Event e -> queue.add(new Pending(e.event(), e.onComplete()));
                    case EventHandler.Refused r -> r.onComplete().run();
                }
            }
        };
    }

    public String lastError() {
        return lastError;
    }

    /** Stops taking batches; a refresh under way finishes (its events complete), queued ones wait for the next owner. */
    @Override
    public void close() {
        closed = true;
        worker.interrupt();
    }

    private void work() {
        List<Pending> batch = new ArrayList<>();
        while (!closed) {
            try {
                Pending first = queue.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                long until = System.nanoTime() + linger.toNanos();
                while (batch.size() < maxBatch && System.nanoTime() < until) {
                    Pending more = queue.poll(until - System.nanoTime(), TimeUnit.NANOSECONDS);
                    if (more == null) {
                        break;
                    }
                    batch.add(more);
                    queue.drainTo(batch, maxBatch - batch.size());
                }
                refresh(batch);
                batch.clear();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void refresh(List<Pending> batch) throws InterruptedException {
        Targets targets = new Targets(refresher.projection());
        batch.forEach(p -> targets.add(p.event()));
        for (int failures = 0; ; failures++) {
            try {
                run(targets);
                batch.forEach(p -> p.done().run());
                return;
            } catch (RuntimeException e) {
                lastError = e.getMessage();
                if (failures + 1 >= ATTEMPTS) {
                    if (batch.size() == 1) {
                        deadLetter(batch.getFirst(), e, failures + 1);
                        return;
                    }
                    LOG.warnf("projection %s: refreshing a batch of %d events failed %d times (%s); refreshing"
                            + " them one by one", refresher.projection().table(), batch.size(), ATTEMPTS, e.getMessage());
                    for (Pending p : batch) {
                        refresh(List.of(p));
                    }
                    return;
                }
                sleep(failures + 1);
            }
        }
    }

    private void run(Targets targets) {
        long start = System.nanoTime();
        ProjectionRefresher.Outcome outcome = refresher.refresh(targets);
        meters.duration.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        meters.refreshes.increment();
        meters.written.increment(outcome.written());
        meters.unchanged.increment(outcome.unchanged());
        meters.deleted.increment(outcome.deleted());
        lastError = null;
    }

    private void deadLetter(Pending p, RuntimeException e, int attempts) throws InterruptedException {
        meters.failed.increment();
        String subscription = refresher.projection().subscription();
        LOG.warnf("projection %s: the refresh of event %s (row %d) failed %d times: %s; dead-lettered",
                refresher.projection().table(), p.event().id(), p.event().pk(), attempts, e.getMessage());
        DeadLetter letter = new DeadLetter(subscription, p.event().pk(), p.event().id(), p.event().entityType(),
                p.event().entityId(), subscription, null, "refresh", EventJson.of(p.event()), String.valueOf(e.getMessage()),
                StoredDeadLetter.REFRESH_FAILED, attempts);
        for (int failures = 1; !closed; failures++) {
            try {
                deadLetters.add(letter);
                p.done().run();
                return;
            } catch (RuntimeException again) {
                sleep(failures);
            }
        }
    }

    private static void sleep(int failures) throws InterruptedException {
        Thread.sleep(RETRIES.delayAfter(failures, ThreadLocalRandom.current().nextDouble()).toMillis());
    }
}

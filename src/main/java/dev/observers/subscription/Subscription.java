package dev.observers.subscription;

import dev.observers.changelog.EventHandler;
import dev.observers.checkpoint.CheckpointPolicy;
import dev.observers.checkpoint.Position;
import dev.observers.checkpoint.Watermark;
import dev.observers.claim.ClaimId;
import dev.observers.claim.ClaimStore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * One claimed cursor: a subscription's partition, with its own read position, completion watermark
 * and in-flight bound. It is fed by the {@link LogPump} only while it has room, so a sink that cannot
 * make progress holds back this cursor alone, and waiting costs no memory beyond the bound: the cursor
 * reads again from where it stopped once its events complete.
 */
public final class Subscription {

    /** What a subscription is doing, as status, metrics and readiness show it. */
    public enum State {
        RUNNING("running"), FULL("full: in-flight bound reached"), WAITING_ON_BREAKER("waiting on breaker"),
        STOPPING("stopping");

        private final String label;

        State(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    private final ClaimId claim;
    private final EventHandler handler;
    private final int maxInFlight;
    private final int chunk;
    private final CheckpointPolicy policy;
    private final Clock clock;
    private final Runnable wakePump;
    private final IntSupplier waitingOnBreaker;
    private final LongAdder processed;
    private final Watermark watermark;
    private final AtomicLong completedSinceSave = new AtomicLong();
    private volatile Position readPosition;
    private volatile Position savedPosition;
    private volatile boolean full;
    private volatile boolean caughtUp;
    private volatile boolean stopping;
    private volatile Instant lastSave;

    /**
     * @param chunk            rows per read: it is fed only while at least this many more events fit in flight
     * @param wakePump         called when the subscription has room again or has a checkpoint due
     * @param waitingOnBreaker how many of its actions wait on an open circuit breaker now
     * @param processed        counts its completed events (shared by the partitions of one subscription)
     */
    public Subscription(ClaimId claim, Position start, EventHandler handler, int maxInFlight, int chunk,
                        CheckpointPolicy policy, Clock clock, Runnable wakePump, IntSupplier waitingOnBreaker,
                        LongAdder processed) {
        this.claim = claim;
        this.handler = handler;
        this.maxInFlight = maxInFlight;
        this.chunk = Math.max(1, Math.min(chunk, maxInFlight));
        this.policy = policy;
        this.clock = clock;
        this.wakePump = wakePump;
        this.waitingOnBreaker = waitingOnBreaker;
        this.processed = processed;
        this.watermark = new Watermark(start);
        this.readPosition = start;
        this.savedPosition = start;
        this.lastSave = clock.instant();
    }

    public ClaimId claim() {
        return claim;
    }

    public String id() {
        return claim.listenerId();
    }

    /** Where its next read starts: after the last row it was given. */
    public Position readPosition() {
        return readPosition;
    }

    /** The last position written to its cursor row. */
    public Position savedPosition() {
        return savedPosition;
    }

    /** Everything at or before this position is complete. */
    public Position safePosition() {
        return watermark.safe();
    }

    public int inFlight() {
        return watermark.inFlight();
    }

    /** Whether the pump should read for it now: not stopping, and a whole chunk fits in flight. */
    public boolean wantsRows() {
        boolean room = maxInFlight - watermark.inFlight() >= chunk;
        full = !room;
        return room && !stopping;
    }

    int chunk() {
        return chunk;
    }

    /** Whether its last read came back short and everything it was given has completed. */
    public boolean caughtUp() {
        return caughtUp && watermark.inFlight() == 0;
    }

    public State state() {
        if (stopping) {
            return State.STOPPING;
        }
        if (waitingOnBreaker.getAsInt() > 0) {
            return State.WAITING_ON_BREAKER;
        }
        return full ? State.FULL : State.RUNNING;
    }

    /**
     * Hands over the rows of one read that belong to its partition, then moves its read position to
     * {@code end} (the last row read, whichever partition it was in).
     */
    void deliver(List<LogPump.ReadRow> rows, Position end, boolean shortRead) throws InterruptedException {
        List<EventHandler.Item> batch = new ArrayList<>();
        for (LogPump.ReadRow row : rows) {
            if (row.partition(claim.partitions()) != claim.partition()) {
                continue;
            }
            Watermark.Entry entry = watermark.submit(row.row().position());
            Runnable done = () -> completed(entry);
            batch.add(row.item(done));
        }
        if (!batch.isEmpty()) {
            handler.handle(batch);
        }
        watermark.passed(end);
        readPosition = end;
        caughtUp = shortRead;
    }

    /** Its cursor to write now, when a save is due (or {@code force}) and the safe position moved. */
    public Optional<ClaimStore.Save> saveDue(boolean force) {
        long completed = completedSinceSave.get();
        Position safe = watermark.safe();
        Duration since = Duration.between(lastSave, clock.instant());
        // A cursor that only passed other partitions' rows has nothing completed, yet its position moved.
        boolean moved = safe.isAfter(savedPosition);
        boolean due = force || policy.due(completed, since) || (moved && policy.due(1, since));
        if (!due) {
            return Optional.empty();
        }
        return Optional.of(new ClaimStore.Save(id(), safe, completed, state() == State.WAITING_ON_BREAKER
                ? Optional.of("waiting on an open circuit breaker") : Optional.empty()));
    }

    /** The store wrote {@code save}. */
    public void saved(ClaimStore.Save save) {
        if (save.position().isAfter(savedPosition)) {
            savedPosition = save.position();
        }
        completedSinceSave.addAndGet(-save.completed());
        lastSave = clock.instant();
    }

    /** How long until its checkpoint interval is due, for a pump that sleeps until then at most. */
    Duration untilSaveDue() {
        if (completedSinceSave.get() == 0 && !watermark.safe().isAfter(savedPosition)) {
            return Duration.ofDays(1);
        }
        return policy.untilIntervalDue(Duration.between(lastSave, clock.instant()));
    }

    /** Stops reading; events in flight still complete and move the watermark. */
    public void stop() {
        stopping = true;
    }

    public boolean stopping() {
        return stopping;
    }

    private void completed(Watermark.Entry entry) {
        if (!entry.ack()) {
            return;
        }
        processed.increment();
        long done = completedSinceSave.incrementAndGet();
        if (done == policy.batchSize() || (full && maxInFlight - watermark.inFlight() >= chunk)) {
            wakePump.run();
        }
    }
}

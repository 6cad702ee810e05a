package dev.observers.changelog;

import dev.observers.checkpoint.CheckpointPolicy;
import dev.observers.checkpoint.CheckpointStore;
import dev.observers.checkpoint.Position;
import dev.observers.dispatch.Watermark;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One reader of the change log with its own checkpoint. Reads committed rows in batches after its
 * position, hands them to its {@link EventHandler}, and saves the completion low-watermark per its
 * {@link CheckpointPolicy}. Reading pauses while {@code maxInFlight} events are unfinished. Woken by
 * NOTIFY, by completions, or by the poll interval, so a lost notification costs latency only.
 */
public final class ChangeLogListener {

    private static final Logger LOG = Logger.getLogger(ChangeLogListener.class);

    /** Listener knobs, from the configuration. */
    public record Settings(int batchSize, Duration pollInterval, int maxInFlight, CheckpointPolicy checkpoint) {
    }

    private final String id;
    private final ChangeLogReader reader;
    private final CheckpointStore checkpoints;
    private final EventHandler handler;
    private final Settings settings;
    private final Clock clock;
    private final Wakeup wakeup = new Wakeup();
    private final AtomicLong completedSinceSave = new AtomicLong();
    private final AtomicLong eventsProcessed = new AtomicLong();
    private volatile boolean stopping;
    private volatile boolean paused;
    private volatile boolean lastReadShort;
    private volatile Watermark watermark;
    private volatile Position readPosition;
    private volatile Position savedPosition;
    private volatile String lastError;
    private Instant lastSave;
    private Thread thread;

    public ChangeLogListener(String id, ChangeLogReader reader, CheckpointStore checkpoints, EventHandler handler,
                             Settings settings, Clock clock) {
        this.id = id;
        this.reader = reader;
        this.checkpoints = checkpoints;
        this.handler = handler;
        this.settings = settings;
        this.clock = clock;
    }

    public String id() {
        return id;
    }

    /** Loads the checkpoint and starts reading on a thread of its own. */
    public synchronized void start() {
        Position start = checkpoints.load(id).orElse(Position.START);
        watermark = new Watermark(start);
        readPosition = start;
        savedPosition = start;
        lastSave = clock.instant();
        LOG.infof("listener %s starting after %s", id, start);
        thread = Thread.ofPlatform().name("listener-" + id).start(this::loop);
    }

    /** A NOTIFY arrived (or the notification connection came back): read now. */
    public void wake() {
        wakeup.signal();
    }

    /**
     * Stops reading, waits up to {@code timeout} for in-flight events, then saves the watermark.
     *
     * @return events still unfinished when the wait ended (they are replayed on the next start)
     */
    public int stop(Duration timeout) throws InterruptedException {
        stopping = true;
        wakeup.signal();
        if (thread != null) {
            thread.join(timeout.toMillis());
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (watermark.inFlight() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        int unfinished = watermark.inFlight();
        saveIfAdvanced();
        LOG.infof("listener %s stopped at %s (%d unfinished)", id, savedPosition, unfinished);
        return unfinished;
    }

    public Position checkpoint() {
        return savedPosition;
    }

    public int inFlight() {
        Watermark w = watermark;
        return w == null ? 0 : w.inFlight();
    }

    public long eventsProcessed() {
        return eventsProcessed.get();
    }

    /** Whether everything committed so far has been read and finished (as of the last read). */
    public boolean caughtUp() {
        return lastReadShort && inFlight() == 0;
    }

    public boolean running() {
        return thread != null && thread.isAlive();
    }

    public String lastError() {
        return lastError;
    }

    private void loop() {
        long backoff = 100;
        while (!stopping) {
            try {
                int read = readOnce();
                maybeSave();
                backoff = 100;
                if (read < settings.batchSize()) {
                    Duration sinceSave = Duration.between(lastSave, clock.instant());
                    Duration sleep = settings.pollInterval();
                    if (completedSinceSave.get() > 0) {
                        Duration untilDue = settings.checkpoint().untilIntervalDue(sinceSave);
                        sleep = untilDue.compareTo(sleep) < 0 ? untilDue : sleep;
                    }
                    wakeup.await(sleep.isZero() ? Duration.ofMillis(1) : sleep);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                lastError = e.getMessage();
                LOG.warnf("listener %s: %s; retrying in %d ms", id, e.getMessage(), backoff);
                try {
                    wakeup.await(Duration.ofMillis(backoff));
                } catch (InterruptedException ie) {
                    return;
                }
                backoff = Math.min(backoff * 2, 30_000);
            }
        }
    }

    /** Reads and hands out one batch; returns how many rows it read (0 when paused for backpressure). */
    private int readOnce() throws InterruptedException {
        int room = settings.maxInFlight() - watermark.inFlight();
        if (room <= 0) {
            paused = true;
            return 0;
        }
        int limit = Math.min(settings.batchSize(), room);
        List<ChangeLogRow> rows = reader.readAfter(readPosition, limit);
        lastReadShort = rows.size() < limit;
        List<EventHandler.Item> batch = new ArrayList<>(rows.size());
        for (ChangeLogRow row : rows) {
            Position position = row.position();
            watermark.register(position);
            Runnable done = () -> completed(position);
            batch.add(switch (EventMapper.map(row)) {
                case EventMapper.Ok(ChangeEvent event) -> new EventHandler.Event(event, done);
                case EventMapper.Refused(ChangeLogRow r, String reason) -> new EventHandler.Refused(r, reason, done);
            });
        }
        if (!batch.isEmpty()) {
            handler.handle(batch);
            readPosition = rows.getLast().position();
        }
        lastError = null;
        return rows.size();
    }

    private void completed(Position position) {
        watermark.complete(position);
        eventsProcessed.incrementAndGet();
        if (completedSinceSave.incrementAndGet() == settings.checkpoint().batchSize() || paused) {
            paused = false;
            wakeup.signal();
        }
    }

    private void maybeSave() {
        if (settings.checkpoint().due(completedSinceSave.get(), Duration.between(lastSave, clock.instant()))) {
            saveIfAdvanced();
        }
    }

    private synchronized void saveIfAdvanced() {
        Position safe = watermark.safe();
        long completed = completedSinceSave.get();
        if (safe.isAfter(savedPosition)) {
            checkpoints.save(id, safe, completed);
            savedPosition = safe;
        }
        completedSinceSave.addAndGet(-completed);
        lastSave = clock.instant();
    }
}

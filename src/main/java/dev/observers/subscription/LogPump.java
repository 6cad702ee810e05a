package dev.observers.subscription;

import dev.observers.changelog.ChangeEvent;
import dev.observers.changelog.ChangeLogReader;
import dev.observers.changelog.ChangeLogRow;
import dev.observers.changelog.EventHandler;
import dev.observers.changelog.EventMapper;
import dev.observers.changelog.Wakeup;
import dev.observers.checkpoint.Position;
import dev.observers.claim.Partitions;
import dev.observers.dispatch.BackoffStrategy;
import dev.observers.dispatch.RetryPolicy;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads the change log for every subscription of this daemon, on one thread. Subscriptions that want
 * rows share one read while their positions lie within one batch of each other, and its rows are mapped
 * to events once; one that has fallen further behind (or was held back by its own in-flight bound)
 * reads on its own from its cursor until it is close to the others again. After a read that found nothing
 * more it reads again no sooner than the minimum read interval after that read began: a stream of
 * single-row commits is then read a few rows at a time instead of one query per commit.
 *
 * <p>Wake-ups. While rows keep coming the pump is awake: it reads again on its own, after a gap that starts
 * at the minimum read interval and doubles while reads find nothing (up to {@value #AWAKE_GAP_MAX_MS} ms),
 * and asks the writers for no NOTIFY: a notifying transaction holds a server-wide lock across its commit
 * flush, so notifications would serialise the commits of concurrent writers. Once reads have found nothing
 * for {@value #AWAKE_MS} ms it asks for notifications, reads once more (a row that committed before the
 * request came without one), and sleeps until a NOTIFY, a completion or the poll interval; a lost
 * notification costs latency only.
 *
 * <p>Rows are decoded (columns, JSON) on a second thread, and after a full read the next one is
 * already under way while the pump hands the current rows to the subscriptions: reading, decoding
 * and dispatching a backlog overlap instead of taking turns. A read fetched ahead is used when the next
 * round starts exactly where it did, else dropped. One that came back short may be older than rows
 * committed since: their NOTIFY (or the poll interval) sends the pump round again, as after any read.
 */
public final class LogPump {

    private static final Logger LOG = Logger.getLogger(LogPump.class);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);
    private static final RetryPolicy BACKOFF = new RetryPolicy(Integer.MAX_VALUE, 100, 30_000, BackoffStrategy.EXPONENTIAL);
    private static final long AWAKE_MS = 50;
    private static final long AWAKE_GAP_MAX_MS = 8;

    /** One row of a read, mapped once for every subscription it goes to. */
    public record ReadRow(ChangeLogRow row, EventMapper.Mapped mapped, int hash) {

        static ReadRow of(ChangeLogRow row) {
            return new ReadRow(row, EventMapper.map(row), Partitions.hash(row.objectType(), row.objectId()));
        }

        int partition(int partitions) {
            return Partitions.of(hash, partitions);
        }

        EventHandler.Item item(Runnable done) {
            return switch (mapped) {
                case EventMapper.Ok(ChangeEvent event) -> new EventHandler.Event(event, done);
                case EventMapper.Refused(ChangeLogRow r, String reason) -> new EventHandler.Refused(r, reason, done);
            };
        }
    }

    /** A read started before the round that needs it. */
    private record Ahead(Position from, int limit, CompletableFuture<List<ReadRow>> rows) {
    }

    /** Work the daemon does on the pump's thread before each round: saving cursors, renewing claims. */
    @FunctionalInterface
    public interface Round {
        void run() throws InterruptedException;
    }

    /** Asks the writers' transactions to NOTIFY this daemon at commit, or to stop. */
    @FunctionalInterface
    public interface Notifications {
        /** No notifications are asked for: the pump reads on its own (tests, or a log without a trigger). */
        Notifications NONE = wanted -> { };

        void want(boolean wanted);
    }

    private final ChangeLogReader reader;
    private final Duration pollInterval;
    private final long minReadIntervalNanos;
    private final Round beforeEachRound;
    private final Notifications notifications;
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private final Wakeup wakeup = new Wakeup();
    private final AtomicLong reads = new AtomicLong();
    private final AtomicLong rounds = new AtomicLong();
    private final AtomicLong rowsRead = new AtomicLong();
    private volatile boolean stopping;
    private volatile String lastError;
    private Thread thread;
    private ExecutorService decoder;
    private Ahead ahead;

    public LogPump(ChangeLogReader reader, Duration pollInterval, Duration minReadInterval, Round beforeEachRound) {
        this(reader, pollInterval, minReadInterval, beforeEachRound, Notifications.NONE);
    }

    public LogPump(ChangeLogReader reader, Duration pollInterval, Duration minReadInterval, Round beforeEachRound,
                   Notifications notifications) {
        this.reader = reader;
        this.pollInterval = pollInterval;
        this.minReadIntervalNanos = minReadInterval.toNanos();
        this.beforeEachRound = beforeEachRound;
        this.notifications = notifications;
    }

    public void add(Subscription s) {
        subscriptions.add(s);
        wakeup.signal();
    }

    public void remove(Subscription s) {
        subscriptions.remove(s);
    }

    public List<Subscription> subscriptions() {
        return List.copyOf(subscriptions);
    }

    public synchronized void start() {
        stopping = false;
        ahead = null;
        decoder = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("log-decoder").daemon().factory());
        thread = Thread.ofPlatform().name("log-pump").start(this::loop);
    }

    /** A NOTIFY arrived, a subscription has room again, or a checkpoint is due: go round now. */
    public void wake() {
        wakeup.signal();
    }

    /** Stops reading and waits for the current round to end. */
    public void stop() throws InterruptedException {
        stopping = true;
        wakeup.signal();
        Thread t = thread;
        if (t != null) {
            t.join();
        }
        ExecutorService d = decoder;
        if (d != null) {
            d.shutdownNow();
        }
    }

    public boolean running() {
        Thread t = thread;
        return t != null && t.isAlive();
    }

    public String lastError() {
        return lastError;
    }

    /** Queries of the change log so far. */
    public long reads() {
        return reads.get();
    }

    /** Rounds so far (each reads once per group of subscriptions at one position). */
    public long rounds() {
        return rounds.get();
    }

    private void loop() {
        int failures = 0;
        boolean notified = false;
        boolean asked = false;
        long emptySince = 0;
        int emptyReads = 0;
        while (!stopping) {
            try {
                beforeEachRound.run();
                if (!asked) {
                    notifications.want(true);
                    notified = true;
                    asked = true;
                }
                long began = System.nanoTime();
                long readsBefore = reads.get();
                long rowsBefore = rowsRead.get();
                boolean more = round();
                failures = 0;
                lastError = null;
                if (more) {
                    continue;
                }
                boolean read = reads.get() != readsBefore;
                Duration wait = sleep();
                if (read && rowsRead.get() != rowsBefore) {
                    emptyReads = 0;
                    if (notified) {
                        notifications.want(false);
                        notified = false;
                    }
                } else if (read && emptyReads++ == 0) {
                    emptySince = began;
                }
                if (read && !notified) {
                    if (emptyReads == 0 || began - emptySince < TimeUnit.MILLISECONDS.toNanos(AWAKE_MS)) {
                        wait = min(wait, awakeGap(emptyReads));
                    } else {
                        notifications.want(true);
                        notified = true;
                        continue;
                    }
                }
                wakeup.await(wait);
                long early = minReadIntervalNanos - (System.nanoTime() - began);
                if (early > 0 && read && !stopping) {
                    Thread.sleep(Duration.ofNanos(early));
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                failures++;
                lastError = e.getMessage();
                Duration delay = BACKOFF.delayAfter(failures, ThreadLocalRandom.current().nextDouble());
                LOG.warnf("reading the change log: %s; retrying in %d ms", e.getMessage(), delay.toMillis());
                try {
                    wakeup.await(delay);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /** How long an awake pump waits after a read: the minimum read interval, doubled per read that found nothing. */
    private Duration awakeGap(int emptyReads) {
        long base = Math.max(minReadIntervalNanos, TimeUnit.MILLISECONDS.toNanos(1));
        long cap = Math.max(minReadIntervalNanos, TimeUnit.MILLISECONDS.toNanos(AWAKE_GAP_MAX_MS));
        return Duration.ofNanos(Math.min(cap, base << Math.min(emptyReads, 10)));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /**
     * Reads from the position of the furthest-behind subscription that wants rows; that read serves
     * every subscription whose position it covers, each getting the rows after its own position. The
     * subscriptions beyond it are served by the next read, from the furthest-behind of them. Returns
     * true when a read came back full (read again now).
     */
    private boolean round() throws InterruptedException {
        List<Subscription> wanting = new ArrayList<>();
        for (Subscription s : subscriptions) {
            if (s.wantsRows()) {
                wanting.add(s);
            }
        }
        wanting.sort(Comparator.comparing(Subscription::readPosition));
        boolean more = false;
        int next = 0;
        while (next < wanting.size()) {
            Position from = wanting.get(next).readPosition();
            int limit = wanting.get(next).chunk();
            List<ReadRow> read = read(from, limit);
            rowsRead.addAndGet(read.size());
            boolean shortRead = read.size() < limit;
            more |= !shortRead;
            Position end = read.isEmpty() ? from : read.getLast().row().position();
            if (!shortRead && !wanting.getLast().readPosition().isAfter(end)) {
                ahead = new Ahead(end, limit, fetch(end, limit));
            }
            while (next < wanting.size() && !wanting.get(next).readPosition().isAfter(end)) {
                Subscription s = wanting.get(next++);
                s.deliver(read.subList(firstAfter(read, s.readPosition()), read.size()), end, shortRead);
            }
        }
        rounds.incrementAndGet();
        return more;
    }

    /** The rows after {@code from}: the read fetched ahead when it starts there, else a new one. */
    private List<ReadRow> read(Position from, int limit) throws InterruptedException {
        Ahead a = ahead;
        ahead = null;
        if (a != null) {
            reads.incrementAndGet();
            if (a.from().equals(from) && a.limit() == limit) {
                return await(a.rows());
            }
        }
        List<ReadRow> rows = await(fetch(from, limit));
        reads.incrementAndGet();
        return rows;
    }

    private CompletableFuture<List<ReadRow>> fetch(Position from, int limit) {
        return reader.readAfterAsync(from, limit, decoder).thenApply(rows -> {
            List<ReadRow> read = new ArrayList<>(rows.size());
            for (ChangeLogRow row : rows) {
                read.add(ReadRow.of(row));
            }
            return read;
        });
    }

    private static List<ReadRow> await(CompletableFuture<List<ReadRow>> rows) throws InterruptedException {
        try {
            return rows.get(READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof CompletionException c && c.getCause() != null ? c.getCause() : e.getCause();
            throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause.getMessage(), cause);
        } catch (TimeoutException e) {
            rows.cancel(false);
            throw new IllegalStateException("reading the change log took longer than " + READ_TIMEOUT.toSeconds() + " s");
        }
    }

    /** The index of the first row after {@code position} (rows are in log order). */
    private static int firstAfter(List<ReadRow> rows, Position position) {
        int lo = 0;
        int hi = rows.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (rows.get(mid).row().position().isAfter(position)) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    private Duration sleep() {
        Duration sleep = pollInterval;
        for (Subscription s : subscriptions) {
            Duration due = s.untilSaveDue();
            if (due.compareTo(sleep) < 0) {
                sleep = due;
            }
        }
        return sleep.isZero() ? Duration.ofMillis(1) : sleep;
    }
}

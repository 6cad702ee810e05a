package dev.observers.search;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.ExpandWildcard;
import co.elastic.clients.elasticsearch.indices.resolve_index.ResolveIndexItem;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Retention on a cluster without ILM: deletes the daily indices {@code <prefix>-yyyy.MM.dd} whose day
 * (UTC, read from the name, not the creation date, so a re-created or back-filled index keeps its
 * day) lies more than {@code retentionDays} before today. Other names under the prefix are never
 * touched. Runs at start and every period on a virtual thread; a failed sweep is logged once, retried
 * next period, and its recovery logged.
 */
public final class RetentionSweeper implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RetentionSweeper.class);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("uuuu.MM.dd")
            .withResolverStyle(ResolverStyle.STRICT);

    private final ElasticsearchClient client;
    private final String prefix;
    private final int retentionDays;
    private final Clock clock;
    private ScheduledExecutorService schedule;
    private String lastFailure;

    public RetentionSweeper(ElasticsearchClient client, String prefix, int retentionDays, Clock clock) {
        if (retentionDays < 1) {
            throw new IllegalArgumentException("retention must be at least 1 day, not " + retentionDays);
        }
        this.client = Objects.requireNonNull(client, "client");
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        this.retentionDays = retentionDays;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The daily indices of {@code prefix} among {@code names} that are past retention on {@code today}:
     * the index of day D goes once D is before {@code today - retentionDays}, so with 30 days the index
     * of 10 November is kept through 10 December and deleted from 11 December.
     */
    public static List<String> expired(Collection<String> names, String prefix, int retentionDays, LocalDate today) {
        Pattern daily = Pattern.compile(Pattern.quote(prefix) + "-(\\d{4}\\.\\d{2}\\.\\d{2})");
        LocalDate oldestKept = today.minusDays(retentionDays);
        List<String> expired = new ArrayList<>();
        for (String name : names) {
            Matcher m = daily.matcher(name);
            if (!m.matches()) {
                continue;
            }
            try {
                if (LocalDate.parse(m.group(1), DAY).isBefore(oldestKept)) {
                    expired.add(name);
                }
            } catch (DateTimeParseException e) {
                // shaped like a day but not one (2026.02.30): not an index of the daemon's
            }
        }
        expired.sort(null);
        return expired;
    }

    /**
     * Deletes the expired daily indices now, each deletion logged.
     *
     * @return the names deleted, oldest first
     * @throws IOException when the indices cannot be listed, or (after trying every one) some could not be deleted
     */
    public List<String> sweep() throws IOException {
        List<String> names;
        try {
            names = client.indices().resolveIndex(r -> r.name(prefix + "-*")
                            .expandWildcards(ExpandWildcard.Open, ExpandWildcard.Closed))
                    .indices().stream().map(ResolveIndexItem::name).toList();
        } catch (ElasticsearchException e) {
            throw new IOException("cannot list the indices " + prefix + "-*: " + e.getMessage(), e);
        }
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        List<String> deleted = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (String index : expired(names, prefix, retentionDays, today)) {
            try {
                client.indices().delete(d -> d.index(index));
                deleted.add(index);
                LOG.infof("Deleted index %s: older than the retention of %d days", index, retentionDays);
            } catch (ElasticsearchException e) {
                if (e.status() != 404) {
                    failed.add(index + " (" + e.getMessage() + ")");
                }
            }
        }
        if (!failed.isEmpty()) {
            throw new IOException("could not delete " + String.join(", ", failed)
                    + (deleted.isEmpty() ? "" : "; deleted " + String.join(", ", deleted)));
        }
        return deleted;
    }

    /** Sweeps now and then every {@code period}, on a virtual thread, until {@link #close}. */
    public synchronized void start(Duration period) {
        if (schedule != null) {
            throw new IllegalStateException("the retention sweeper of " + prefix + " is already running");
        }
        LOG.infof("Retention: daily indices %s-yyyy.MM.dd older than %d days are deleted by the daemon, checked every %s",
                prefix, retentionDays, readable(period));
        schedule = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("retention-sweeper").factory());
        schedule.scheduleWithFixedDelay(this::sweepLogged, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static String readable(Duration period) {
        long ms = period.toMillis();
        return ms % 3_600_000 == 0 ? ms / 3_600_000 + "h" : ms % 60_000 == 0 ? ms / 60_000 + "m"
                : ms % 1_000 == 0 ? ms / 1_000 + "s" : ms + "ms";
    }

    private void sweepLogged() {
        try {
            sweep();
            if (lastFailure != null) {
                LOG.infof("Retention sweep of %s-* works again", prefix);
                lastFailure = null;
            }
        } catch (IOException | RuntimeException e) {
            String failure = Objects.requireNonNullElse(e.getMessage(), e.getClass().getName());
            if (lastFailure == null) {
                LOG.warnf("Retention sweep of %s-* failed, retried every period: %s", prefix, failure);
            } else if (!failure.equals(lastFailure)) {
                LOG.debugf("Retention sweep of %s-* still fails: %s", prefix, failure);
            }
            lastFailure = failure;
        }
    }

    @Override
    public synchronized void close() {
        if (schedule == null) {
            return;
        }
        schedule.shutdownNow();
        try {
            if (!schedule.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warnf("The retention sweep of %s-* did not stop within 10 s", prefix);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        schedule = null;
    }
}

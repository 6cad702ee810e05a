package dev.observers.dispatch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The operator's side of {@code core.observer_dead_letters}: counts for status and metrics, listing,
 * and the state changes of a retry or a purge. The daemon only ever adds ({@link PgDeadLetterStore}).
 */
public final class DeadLetterTable {

    /** Unresolved items of one observer (null for unreadable rows) and error kind. */
    public record Count(String observer, String errorKind, long count) {
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String COLUMNS = """
            pk_dead_letter, listener_id, observer_name, action_index, action_type, change_log_pk, event_id, object_type,
            object_id, event::text AS event, error, error_kind, attempts, status, first_failed_at, last_failed_at,
            resolved_at""";

    private final Pool pool;

    public DeadLetterTable(Pool pool) {
        this.pool = pool;
    }

    /** Unresolved items by observer and error kind. */
    public List<Count> openCounts() {
        List<Count> out = new ArrayList<>();
        for (Row r : pool.query("""
                        SELECT observer_name, error_kind, count(*) AS n FROM core.observer_dead_letters
                         WHERE status <> 'resolved' GROUP BY observer_name, error_kind
                         ORDER BY observer_name NULLS LAST, error_kind""")
                .execute().await().atMost(TIMEOUT)) {
            out.add(new Count(r.getString("observer_name"), r.getString("error_kind"), r.getLong("n")));
        }
        return out;
    }

    /** How many items are not resolved. */
    public long openCount() {
        return pool.query("SELECT count(*) AS n FROM core.observer_dead_letters WHERE status <> 'resolved'")
                .execute().await().atMost(TIMEOUT).iterator().next().getLong("n");
    }

    /** Unresolved items, oldest first, optionally of one observer, after id {@code afterId}. */
    public List<StoredDeadLetter> open(Optional<String> observer, long afterId, int limit) {
        return items("SELECT " + COLUMNS + " FROM core.observer_dead_letters"
                        + " WHERE status <> 'resolved' AND ($1::text IS NULL OR observer_name = $1) AND pk_dead_letter > $2"
                        + " ORDER BY pk_dead_letter LIMIT $3",
                Tuple.of(observer.orElse(null), afterId, limit));
    }

    public Optional<StoredDeadLetter> get(long id) {
        return items("SELECT " + COLUMNS + " FROM core.observer_dead_letters WHERE pk_dead_letter = $1", Tuple.of(id))
                .stream().findFirst();
    }

    /** Marks the item done; false when it was already resolved or is gone. */
    public boolean resolve(long id) {
        return pool.preparedQuery("""
                        UPDATE core.observer_dead_letters SET status = 'resolved', resolved_at = now()
                         WHERE pk_dead_letter = $1 AND status <> 'resolved'""")
                .execute(Tuple.of(id)).await().atMost(TIMEOUT).rowCount() == 1;
    }

    /** Records another failed retry: the new error, the attempts it made, and when. */
    public void failedAgain(long id, String error, int attempts) {
        pool.preparedQuery("""
                        UPDATE core.observer_dead_letters
                           SET error = $2, attempts = attempts + $3, last_failed_at = now(), status = 'pending'
                         WHERE pk_dead_letter = $1 AND status <> 'resolved'""")
                .execute(Tuple.of(id, error, attempts)).await().atMost(TIMEOUT);
    }

    /**
     * Deletes items last touched (failed, or resolved) before {@code before} when given, only resolved
     * ones when {@code resolvedOnly}; returns how many went.
     */
    public int purge(Optional<OffsetDateTime> before, boolean resolvedOnly) {
        return pool.preparedQuery("""
                        DELETE FROM core.observer_dead_letters
                         WHERE ($1::timestamptz IS NULL OR COALESCE(resolved_at, last_failed_at) < $1)
                           AND (NOT $2 OR status = 'resolved')""")
                .execute(Tuple.of(before.orElse(null), resolvedOnly)).await().atMost(TIMEOUT).rowCount();
    }

    private List<StoredDeadLetter> items(String sql, Tuple args) {
        List<StoredDeadLetter> out = new ArrayList<>();
        for (Row r : pool.preparedQuery(sql).execute(args).await().atMost(TIMEOUT)) {
            out.add(new StoredDeadLetter(
                    r.getLong("pk_dead_letter"),
                    r.getString("listener_id"),
                    r.getString("observer_name"),
                    r.getInteger("action_index"),
                    r.getString("action_type"),
                    r.getLong("change_log_pk"),
                    r.getUUID("event_id"),
                    r.getString("object_type"),
                    r.getUUID("object_id"),
                    json(r.getString("event")),
                    r.getString("error"),
                    r.getString("error_kind"),
                    r.getInteger("attempts"),
                    r.getString("status"),
                    r.getOffsetDateTime("first_failed_at"),
                    r.getOffsetDateTime("last_failed_at"),
                    Optional.ofNullable(r.getOffsetDateTime("resolved_at"))));
        }
        return out;
    }

    /** The stored event; one that an earlier version stored as a JSON string holding the object is unwrapped. */
    private static JsonNode json(String text) {
        if (text == null) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(text);
            return node.isTextual() && node.asText().startsWith("{") ? JSON.readTree(node.asText()) : node;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the database returned unreadable JSON for a dead letter", e);
        }
    }
}

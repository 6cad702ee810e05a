package dev.observers.dispatch;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

import java.time.Duration;

/** Dead letters in {@code core.observer_dead_letters}. */
public final class PgDeadLetterStore implements DeadLetterStore {

    private static final String INSERT = """
            INSERT INTO core.observer_dead_letters AS d
                   (listener_id, change_log_pk, event_id, object_type, object_id, observer_name, action_index,
                    action_type, event, error, error_kind, attempts)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::text::jsonb, $10, $11, $12)
            ON CONFLICT (listener_id, change_log_pk, COALESCE(observer_name, ''), COALESCE(action_index, -1))
               WHERE status <> 'resolved'
            DO UPDATE SET error = EXCLUDED.error, attempts = d.attempts + EXCLUDED.attempts,
                          last_failed_at = now(), status = 'pending'""";

    private final Pool pool;

    public PgDeadLetterStore(Pool pool) {
        this.pool = pool;
    }

    @Override
    public void add(DeadLetter l) {
        pool.preparedQuery(INSERT).execute(Tuple.from(new Object[] {
                l.listenerId(), l.changeLogPk(), l.eventId(), l.objectType(), l.objectId(), l.observer(),
                l.actionIndex(), l.actionType(), l.event() == null ? null : l.event().toString(), l.error(),
                l.errorKind(), l.attempts()}))
                .await().atMost(Duration.ofSeconds(30));
    }
}

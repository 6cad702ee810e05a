package dev.observers.checkpoint;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Checkpoints in FraiseQL's {@code observer_checkpoints}: {@code last_processed_id} is the pk and
 * {@code last_txid} the transaction id of the last position. A FraiseQL row without a txid reads as
 * (0, pk): it skips the rows that predate the txid column up to that pk and nothing after.
 */
public final class PgCheckpointStore implements CheckpointStore {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static final String LOAD = """
            SELECT COALESCE(last_txid, '0'::xid8)::text AS txid, last_processed_id
              FROM public.observer_checkpoints WHERE listener_id = $1""";

    private static final String SAVE = """
            INSERT INTO public.observer_checkpoints AS c
                   (listener_id, last_processed_id, last_txid, last_processed_at, batch_size, event_count,
                    events_total, updated_by, updated_at)
            VALUES ($1, $2, $3::text::xid8, now(), $4, $5, $5, $6, now())
            ON CONFLICT (listener_id) DO UPDATE
               SET last_processed_id = EXCLUDED.last_processed_id, last_txid = EXCLUDED.last_txid,
                   last_processed_at = now(), batch_size = EXCLUDED.batch_size, event_count = EXCLUDED.event_count,
                   events_total = COALESCE(c.events_total, 0) + EXCLUDED.events_total, consecutive_errors = 0,
                   last_error = NULL, updated_by = EXCLUDED.updated_by, updated_at = now()
             WHERE (COALESCE(c.last_txid, '0'::xid8), c.last_processed_id)
                <= (EXCLUDED.last_txid, EXCLUDED.last_processed_id)""";

    private static final String MOVE = """
            INSERT INTO public.observer_checkpoints AS c
                   (listener_id, last_processed_id, last_txid, last_processed_at, batch_size, event_count, events_total,
                    updated_by, updated_at)
            VALUES ($1, $2, $3::text::xid8, now(), $4, 0, 0, $5, now())
            ON CONFLICT (listener_id) DO UPDATE
               SET last_processed_id = EXCLUDED.last_processed_id, last_txid = EXCLUDED.last_txid,
                   last_processed_at = now(), event_count = 0, consecutive_errors = 0, last_error = NULL,
                   updated_by = EXCLUDED.updated_by, updated_at = now()""";

    private final Pool pool;
    private final int batchSize;
    private final String instance;
    private final AtomicLong writes = new AtomicLong();

    /**
     * @param batchSize recorded with each save (FraiseQL's column, capped at its 10000 limit)
     * @param instance  who writes, recorded as {@code updated_by}
     */
    public PgCheckpointStore(Pool pool, int batchSize, String instance) {
        this.pool = pool;
        this.batchSize = Math.min(batchSize, 10_000);
        this.instance = instance;
    }

    @Override
    public Optional<Position> load(String listenerId) {
        RowSet<Row> rows = pool.preparedQuery(LOAD).execute(Tuple.of(listenerId)).await().atMost(TIMEOUT);
        if (rows.size() == 0) {
            return Optional.empty();
        }
        Row r = rows.iterator().next();
        return Optional.of(new Position(Long.parseUnsignedLong(r.getString("txid")), r.getLong("last_processed_id")));
    }

    /** Sets the position whichever way it moves: an operator's replay (or forced skip), never the daemon's save. */
    public void moveTo(String listenerId, Position position) {
        pool.preparedQuery(MOVE).execute(Tuple.of(listenerId, position.pk(), Long.toUnsignedString(position.txid()),
                batchSize, instance)).await().atMost(TIMEOUT);
    }

    @Override
    public void save(String listenerId, Position position, long completedSinceLastSave) {
        pool.preparedQuery(SAVE).execute(Tuple.of(listenerId, position.pk(), Long.toUnsignedString(position.txid()),
                        batchSize, (int) Math.min(completedSinceLastSave, Integer.MAX_VALUE), instance))
                .await().atMost(TIMEOUT);
        writes.incrementAndGet();
    }

    /** Every stored cursor's listener id. */
    public List<String> listeners() {
        List<String> ids = new ArrayList<>();
        for (Row r : pool.query("SELECT listener_id FROM public.observer_checkpoints").execute().await().atMost(TIMEOUT)) {
            ids.add(r.getString(0));
        }
        return ids;
    }

    /** Checkpoint writes by {@link #save} since this store was made (observer_checkpoint_writes_total). */
    public long writes() {
        return writes.get();
    }
}

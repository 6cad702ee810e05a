package dev.observers.claim;

import dev.observers.checkpoint.Position;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Cursors and their claims in {@code observer_checkpoints}, and the daemons' heartbeats in
 * {@code observer_daemons}: {@link #claim} takes a free cursor, {@link #renew} saves positions and
 * extends the leases of the claims still owned, {@link #release} hands them back. Every write names its
 * owner, so a daemon whose lease was taken over cannot write a cursor any more (see package docs).
 */
public final class ClaimStore {

    /** The cursor row of the daemons before subscriptions: every subscription starts where it was. */
    public static final String LEGACY_LISTENER = "observers";

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final long ENSURE_LOCK = 0x6f62732d636c6169L;

    private static final String BEAT = """
            INSERT INTO public.observer_daemons AS d (instance, wakeup_until)
            VALUES ($1, now() + $2 * interval '1 millisecond')
            ON CONFLICT (instance) DO UPDATE
               SET heartbeat_at = now(),
                   wakeup_until = CASE WHEN d.wakeup_until IS NULL THEN NULL ELSE now() + $2 * interval '1 millisecond' END""";

    private static final String WAKEUPS = """
            UPDATE public.observer_daemons
               SET wakeup_until = CASE WHEN $2 THEN now() + $3 * interval '1 millisecond' END
             WHERE instance = $1""";

    private static final String FORGET_DEAD = """
            DELETE FROM public.observer_daemons
             WHERE instance <> $1 AND heartbeat_at < now() - $2 * interval '1 millisecond'""";

    private static final String LIVE = """
            SELECT instance FROM public.observer_daemons
             WHERE instance <> $1 AND heartbeat_at > now() - $2 * interval '1 millisecond'""";

    private static final String STATE = """
            SELECT listener_id, owner, COALESCE(last_txid, '0'::xid8)::text AS txid, last_processed_id,
                   owner IS NOT NULL AND lease_expires_at > now() AS leased
              FROM public.observer_checkpoints
             WHERE listener_id LIKE 'observer:%' OR listener_id = '""" + LEGACY_LISTENER + "'";

    private static final String TAIL = """
            SELECT COALESCE(l.txid, '0'::xid8)::text AS txid, l.pk_entity_change_log AS pk
              FROM core.tb_entity_change_log l
             WHERE COALESCE(l.txid, '0'::xid8) < (SELECT pg_snapshot_xmin(pg_current_snapshot()))
             ORDER BY COALESCE(l.txid, '0'::xid8) DESC, l.pk_entity_change_log DESC
             LIMIT 1""";

    private static final String CREATE = """
            INSERT INTO public.observer_checkpoints (listener_id, last_processed_id, last_txid, event_count, events_total,
                                                     updated_by, updated_at)
            SELECT u.id, u.pk, u.tx::xid8, 0, 0, $4, now() FROM unnest($1::text[], $2::int8[], $3::text[]) AS u(id, pk, tx)
            ON CONFLICT (listener_id) DO NOTHING""";

    private static final String DELETE = "DELETE FROM public.observer_checkpoints WHERE listener_id = ANY($1::text[])";

    private static final String CLAIM = """
            UPDATE public.observer_checkpoints
               SET owner = $2, lease_expires_at = now() + $3 * interval '1 millisecond'
             WHERE listener_id = $1
               AND (owner IS NULL OR owner = $2 OR lease_expires_at IS NULL OR lease_expires_at < now())
            RETURNING COALESCE(last_txid, '0'::xid8)::text AS txid, last_processed_id""";

    private static final String AHEAD = "(v.txid, v.pk) > (COALESCE(c.last_txid, '0'::xid8), c.last_processed_id)";

    private static final String RENEW = """
            UPDATE public.observer_checkpoints AS c
               SET last_processed_id = CASE WHEN %1$s THEN v.pk ELSE c.last_processed_id END,
                   last_txid = CASE WHEN %1$s THEN v.txid ELSE c.last_txid END,
                   last_processed_at = CASE WHEN %1$s THEN now() ELSE c.last_processed_at END,
                   event_count = CASE WHEN v.n > 0 THEN LEAST(v.n, 2147483647)::int ELSE c.event_count END,
                   events_total = COALESCE(c.events_total, 0) + v.n,
                   batch_size = $4,
                   consecutive_errors = 0, last_error = v.note,
                   updated_by = CASE WHEN v.n > 0 THEN $2 ELSE c.updated_by END,
                   updated_at = CASE WHEN v.n > 0 THEN now() ELSE c.updated_at END,
                   owner = CASE WHEN $5 THEN NULL ELSE c.owner END,
                   lease_expires_at = CASE WHEN $5 THEN NULL ELSE now() + $3 * interval '1 millisecond' END
              FROM (SELECT u.id, u.pk, u.tx::xid8 AS txid, u.n, u.note
                      FROM unnest($1::text[], $6::int8[], $7::text[], $8::int8[], $9::text[]) AS u(id, pk, tx, n, note)) v
             WHERE c.listener_id = v.id AND c.owner = $2
            RETURNING c.listener_id""".formatted(AHEAD);

    private static final String LEAVE = "DELETE FROM public.observer_daemons WHERE instance = $1";

    /**
     * A cursor to write: where its subscription is safe up to, how many events completed since the last
     * write, and what {@code observers status} should say about it ({@code last_error}), if anything.
     */
    public record Save(String listenerId, Position position, long completed, Optional<String> note) {

        public Save(String listenerId, Position position, long completed) {
            this(listenerId, position, completed, Optional.empty());
        }
    }

    /** A cursor row as the daemons share it. */
    public record Cursor(String listenerId, Position position, Optional<String> leasedBy) {
    }

    private final Pool pool;
    private final String instance;
    private final Duration lease;
    private final int batchSize;

    /**
     * @param instance  this daemon, as owners and heartbeats record it
     * @param batchSize recorded with each save (FraiseQL's column, capped at its 10000 limit)
     */
    public ClaimStore(Pool pool, String instance, Duration lease, int batchSize) {
        this.pool = pool;
        this.instance = instance;
        this.lease = lease;
        this.batchSize = Math.min(batchSize, 10_000);
    }

    public String instance() {
        return instance;
    }

    /**
     * Renews this daemon's heartbeat; returns the daemons whose heartbeat is younger than the lease, this
     * one included, in name order.
     */
    public List<String> heartbeat() {
        pool.preparedQuery(BEAT).execute(Tuple.of(instance, lease.toMillis())).await().atMost(TIMEOUT);
        pool.preparedQuery(FORGET_DEAD).execute(Tuple.of(instance, lease.toMillis() * 20)).await().atMost(TIMEOUT);
        List<String> live = new ArrayList<>(List.of(instance));
        for (Row r : pool.preparedQuery(LIVE).execute(Tuple.of(instance, lease.toMillis())).await().atMost(TIMEOUT)) {
            live.add(r.getString("instance"));
        }
        live.sort(String::compareTo);
        return live;
    }

    /**
     * Asks the writers' transactions to NOTIFY at commit ({@code wanted}) or to stop; a request lasts a
     * lease and is renewed with every heartbeat (see the V6 migration).
     */
    public void wakeups(boolean wanted) {
        pool.preparedQuery(WAKEUPS).execute(Tuple.of(instance, wanted, lease.toMillis())).await().atMost(TIMEOUT);
    }

    /** Removes this daemon's heartbeat, so the others count one daemon less at once. */
    public void leave() {
        pool.preparedQuery(LEAVE).execute(Tuple.of(instance)).await().atMost(TIMEOUT);
    }

    /** Every subscription cursor, with the daemon that holds a live lease on it. */
    public List<Cursor> cursors() {
        List<Cursor> out = new ArrayList<>();
        for (Row r : pool.query(STATE).execute().await().atMost(TIMEOUT)) {
            out.add(cursor(r));
        }
        return out;
    }

    /**
     * Creates the missing cursors of {@code desired}, unowned, each at its start: a subscription whose
     * partition count changed starts every new partition at the oldest of its old cursors (which are
     * then removed unless leased); on a database upgraded from the single {@value #LEGACY_LISTENER}
     * cursor every subscription starts there (and that row is removed); on a database where no
     * subscription ever ran, at the start of the log; otherwise (a subscription added later) at the
     * tail of the committed log. Serialised across daemons by an advisory lock.
     */
    public void ensure(Collection<ClaimId> desired) {
        SqlConnection conn = pool.getConnection().await().atMost(TIMEOUT);
        try {
            Transaction tx = conn.begin().await().atMost(TIMEOUT);
            conn.preparedQuery("SELECT pg_advisory_xact_lock($1)").execute(Tuple.of(ENSURE_LOCK)).await().atMost(TIMEOUT);
            Map<String, Cursor> existing = new HashMap<>();
            for (Row r : conn.query(STATE).execute().await().atMost(TIMEOUT)) {
                Cursor c = cursor(r);
                existing.put(c.listenerId(), c);
            }
            List<ClaimId> missing = desired.stream().filter(c -> !existing.containsKey(c.listenerId())).sorted().toList();
            if (missing.isEmpty()) {
                tx.commit().await().atMost(TIMEOUT);
                return;
            }
            Optional<Cursor> legacy = Optional.ofNullable(existing.get(LEGACY_LISTENER));
            boolean anyRan = existing.keySet().stream().anyMatch(id -> ClaimId.parse(id).isPresent());
            Position tail = anyRan && legacy.isEmpty() ? tail(conn) : Position.START;
            List<String> ids = new ArrayList<>();
            List<Long> pks = new ArrayList<>();
            List<String> txids = new ArrayList<>();
            Set<String> retired = new HashSet<>();
            for (ClaimId c : missing) {
                List<Cursor> older = existing.values().stream()
                        .filter(e -> ClaimId.parse(e.listenerId()).map(o -> o.subscription().equals(c.subscription())
                                && o.partitions() != c.partitions()).orElse(false))
                        .toList();
                Position start;
                if (!older.isEmpty()) {
                    start = older.stream().map(Cursor::position).min(Position::compareTo).orElseThrow();
                    older.stream().filter(o -> o.leasedBy().isEmpty()).forEach(o -> retired.add(o.listenerId()));
                } else if (legacy.isPresent()) {
                    start = legacy.get().position();
                } else {
                    start = anyRan ? tail : Position.START;
                }
                ids.add(c.listenerId());
                pks.add(start.pk());
                txids.add(Long.toUnsignedString(start.txid()));
            }
            conn.preparedQuery(CREATE).execute(Tuple.of(ids.toArray(String[]::new), pks.toArray(Long[]::new),
                    txids.toArray(String[]::new), instance)).await().atMost(TIMEOUT);
            legacy.ifPresent(l -> retired.add(LEGACY_LISTENER));
            if (!retired.isEmpty()) {
                conn.preparedQuery(DELETE).execute(Tuple.of((Object) retired.toArray(String[]::new))).await().atMost(TIMEOUT);
            }
            tx.commit().await().atMost(TIMEOUT);
        } finally {
            conn.close().await().atMost(TIMEOUT);
        }
    }

    /** Takes {@code claim} when it is free (or already this daemon's); returns its cursor, or empty when another holds it. */
    public Optional<Position> claim(ClaimId claim) {
        var rows = pool.preparedQuery(CLAIM).execute(Tuple.of(claim.listenerId(), instance, lease.toMillis()))
                .await().atMost(TIMEOUT);
        if (rows.size() == 0) {
            return Optional.empty();
        }
        Row r = rows.iterator().next();
        return Optional.of(new Position(Long.parseUnsignedLong(r.getString("txid")), r.getLong("last_processed_id")));
    }

    /**
     * Saves every cursor of {@code saves} that moved forward (never backwards) and extends its lease, in
     * one statement; returns the listener ids this daemon still owns: a claim missing from the answer was
     * taken over, and its cursor was not written.
     */
    public Set<String> renew(List<Save> saves) {
        return write(saves, false);
    }

    /** {@link #renew} without waiting for the answer. */
    public CompletableFuture<Set<String>> renewAsync(List<Save> saves) {
        if (saves.isEmpty()) {
            return CompletableFuture.completedFuture(Set.of());
        }
        return pool.preparedQuery(RENEW).execute(arguments(saves, false)).subscribeAsCompletionStage()
                .thenApply(ClaimStore::owned).toCompletableFuture();
    }

    /** Saves the cursors of {@code saves} and gives their claims up; returns the ids that were still owned. */
    public Set<String> release(List<Save> saves) {
        return write(saves, true);
    }

    private Set<String> write(List<Save> saves, boolean release) {
        if (saves.isEmpty()) {
            return Set.of();
        }
        return owned(pool.preparedQuery(RENEW).execute(arguments(saves, release)).await().atMost(TIMEOUT));
    }

    private Tuple arguments(List<Save> saves, boolean release) {
        String[] ids = new String[saves.size()];
        Long[] pks = new Long[saves.size()];
        String[] txids = new String[saves.size()];
        Long[] counts = new Long[saves.size()];
        String[] notes = new String[saves.size()];
        for (int i = 0; i < saves.size(); i++) {
            Save s = saves.get(i);
            ids[i] = s.listenerId();
            pks[i] = s.position().pk();
            txids[i] = Long.toUnsignedString(s.position().txid());
            counts[i] = s.completed();
            notes[i] = s.note().orElse(null);
        }
        return Tuple.tuple(List.of(ids, instance, lease.toMillis(), batchSize, release, pks, txids, counts, notes));
    }

    private static Set<String> owned(RowSet<Row> rows) {
        Set<String> owned = new HashSet<>();
        for (Row r : rows) {
            owned.add(r.getString("listener_id"));
        }
        return owned;
    }

    private static Position tail(SqlConnection conn) {
        var rows = conn.query(TAIL).execute().await().atMost(TIMEOUT);
        if (rows.size() == 0) {
            return Position.START;
        }
        Row r = rows.iterator().next();
        return new Position(Long.parseUnsignedLong(r.getString("txid")), r.getLong("pk"));
    }

    private static Cursor cursor(Row r) {
        return new Cursor(r.getString("listener_id"),
                new Position(Long.parseUnsignedLong(r.getString("txid")), r.getLong("last_processed_id")),
                Boolean.TRUE.equals(r.getBoolean("leased")) ? Optional.ofNullable(r.getString("owner")) : Optional.empty());
    }
}

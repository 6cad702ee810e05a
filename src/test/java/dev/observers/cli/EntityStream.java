package dev.observers.cli;

import dev.observers.config.PgUrl;
import dev.observers.testing.HttpReceiver;
import dev.observers.testing.PostgresServer;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.IntStream;

/**
 * Change-log inserts over a fixed set of entities of one type, remembering every event in log order:
 * what the ITs compare deliveries with (which event ids, and each entity's events in order). Each
 * {@link #insert} is one transaction; callers insert from one thread, so commit order is pk order and
 * pk order is the log's (txid, pk) order.
 */
final class EntityStream {

    private static final String INSERT = """
            INSERT INTO core.tb_entity_change_log (object_type, object_id, modification_type, object_data)
            SELECT ?, u.entity, 'INSERT', jsonb_build_object('seq', u.seq)
              FROM unnest(?::uuid[], ?::int[]) WITH ORDINALITY AS u(entity, seq, ord)
             ORDER BY u.ord
            RETURNING pk_entity_change_log, id::text, object_id""";

    /** One inserted event. */
    record Logged(long pk, String id, UUID entity) {
    }

    private final PgUrl db;
    private final String entityType;
    private final List<UUID> entities;
    private final Random random = new Random(42);
    private final TreeMap<Long, Logged> byPk = new TreeMap<>();
    private int seq;

    EntityStream(PgUrl db, String entityType, int entities) {
        this.db = db;
        this.entityType = entityType;
        this.entities = IntStream.range(0, entities).mapToObj(i -> UUID.randomUUID()).toList();
    }

    /** Inserts {@code n} events in one transaction, entity after entity round-robin from where the last call stopped. */
    void insertRoundRobin(int n) throws Exception {
        List<UUID> which = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            which.add(entities.get((seq + i) % entities.size()));
        }
        insert(which);
    }

    /** Inserts {@code n} events of entities picked at random, in one transaction. */
    void insertRandom(int n) throws Exception {
        List<UUID> which = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            which.add(entities.get(random.nextInt(entities.size())));
        }
        insert(which);
    }

    private void insert(List<UUID> which) throws Exception {
        Integer[] seqs = new Integer[which.size()];
        for (int i = 0; i < seqs.length; i++) {
            seqs[i] = seq++;
        }
        try (Connection c = PostgresServer.connect(db); PreparedStatement s = c.prepareStatement(INSERT)) {
            Array ids = c.createArrayOf("uuid", which.toArray());
            Array numbers = c.createArrayOf("int4", seqs);
            s.setString(1, entityType);
            s.setArray(2, ids);
            s.setArray(3, numbers);
            try (ResultSet rs = s.executeQuery()) {
                synchronized (this) {
                    while (rs.next()) {
                        Logged l = new Logged(rs.getLong(1), rs.getString(2), rs.getObject(3, UUID.class));
                        byPk.put(l.pk(), l);
                    }
                }
            }
        }
    }

    /** Every event inserted so far. */
    synchronized Set<String> ids() {
        Set<String> ids = new LinkedHashSet<>();
        byPk.values().forEach(l -> ids.add(l.id()));
        return ids;
    }

    /** Each entity's event ids in log order. */
    synchronized Map<UUID, List<String>> byEntity() {
        Map<UUID, List<String>> out = new LinkedHashMap<>();
        for (Logged l : byPk.values()) {
            out.computeIfAbsent(l.entity(), k -> new ArrayList<>()).add(l.id());
        }
        return out;
    }

    /**
     * Each entity's deliveries to {@code receiver} in arrival order (event ids, from the
     * {@code X-FraiseQL-Event-Id} header); with {@code firstOnly}, a repeated delivery is left out.
     * Arrival order is delivery order: the daemon sends an entity's next event only once the previous
     * one was answered.
     */
    private synchronized Map<UUID, List<String>> deliveredByEntity(HttpReceiver receiver, boolean firstOnly) {
        Map<String, UUID> entityOf = new LinkedHashMap<>();
        byPk.values().forEach(l -> entityOf.put(l.id(), l.entity()));
        Map<UUID, List<String>> out = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        for (HttpReceiver.Request r : receiver.requests()) {
            String id = r.header("X-FraiseQL-Event-Id");
            if (firstOnly && !seen.add(id)) {
                continue;
            }
            out.computeIfAbsent(entityOf.get(id), k -> new ArrayList<>()).add(id);
        }
        return out;
    }

    /**
     * The entities whose deliveries to {@code receiver} differ from their log order, each with what was
     * expected and what arrived: empty when every entity's events arrived in order.
     */
    synchronized List<String> outOfOrder(HttpReceiver receiver, boolean firstOnly) {
        Map<UUID, List<String>> expected = byEntity();
        Map<UUID, List<String>> delivered = deliveredByEntity(receiver, firstOnly);
        List<String> problems = new ArrayList<>();
        for (Map.Entry<UUID, List<String>> e : expected.entrySet()) {
            List<String> got = delivered.getOrDefault(e.getKey(), List.of());
            if (!got.equals(e.getValue())) {
                problems.add("entity " + e.getKey() + ": expected " + e.getValue() + ", delivered " + got);
            }
        }
        if (delivered.containsKey(null)) {
            problems.add("deliveries of events never inserted: " + delivered.get(null));
        }
        return problems;
    }
}

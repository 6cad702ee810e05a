-- pgbench script for the steady-rate runs of scripts/perf_test.sh: one change-log row per transaction,
-- the same mix as the backlog (four entity types, 5,000 entities each, inserts, updates and deletes,
-- ~200 bytes of object_data). created_at is clock_timestamp(): latency counts from inside the
-- inserting transaction, before its trigger and commit.
\set g random(1, 1000000000)
INSERT INTO core.tb_entity_change_log (object_type, object_id, modification_type, object_data, created_at)
VALUES ((ARRAY['Post', 'User', 'Comment', 'Order'])[1 + :g % 4],
        md5((:g % 20000)::text)::uuid,
        (ARRAY['INSERT', 'UPDATE', 'UPDATE', 'DELETE'])[1 + (:g / 4) % 4],
        jsonb_build_object('name', 'entity-' || :g, 'status', 'active', 'count', :g, 'price', 19.99,
                           'tags', jsonb_build_array('alpha', 'beta', 'gamma'),
                           'owner', 'user-' || (:g % 1000), 'description', repeat('x', 48)),
        clock_timestamp());

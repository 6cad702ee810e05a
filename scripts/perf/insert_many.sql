-- pgbench script for steady-rate runs of scripts/perf_test.sh with ROWS_PER_TX > 1: :rows change-log rows
-- per transaction, the same mix as insert_one.sql. created_at is clock_timestamp() per row.
\set g random(1, 1000000000)
INSERT INTO core.tb_entity_change_log (object_type, object_id, modification_type, object_data, created_at)
SELECT (ARRAY['Post', 'User', 'Comment', 'Order'])[1 + (:g + i) % 4],
       md5(((:g + i) % 20000)::text)::uuid,
       (ARRAY['INSERT', 'UPDATE', 'UPDATE', 'DELETE'])[1 + ((:g + i) / 4) % 4],
       jsonb_build_object('name', 'entity-' || (:g + i), 'status', 'active', 'count', :g + i, 'price', 19.99,
                          'tags', jsonb_build_array('alpha', 'beta', 'gamma'),
                          'owner', 'user-' || ((:g + i) % 1000), 'description', repeat('x', 48)),
       clock_timestamp()
  FROM generate_series(1, :rows) i;

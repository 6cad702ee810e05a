-- observers:no-transaction
-- The reader's order, (txid, pk) with rows that predate the txid column first. Built concurrently
-- so a large existing log keeps accepting writes; a build interrupted earlier leaves an invalid
-- index behind, which is dropped and built again.
DO $$
BEGIN
    IF EXISTS (SELECT 1
                 FROM pg_index i
                 JOIN pg_class c ON c.oid = i.indexrelid
                 JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'core'
                  AND c.relname = 'tb_entity_change_log_observers_position'
                  AND NOT i.indisvalid) THEN
        DROP INDEX core.tb_entity_change_log_observers_position;
    END IF;
END
$$;

CREATE INDEX CONCURRENTLY IF NOT EXISTS tb_entity_change_log_observers_position
    ON core.tb_entity_change_log ((COALESCE(txid, '0'::xid8)), pk_entity_change_log);

-- The FraiseQL change-log contract. Created when missing; when a FraiseQL deployment already has the
-- table, only absent columns are added, bare (no default that would rewrite the table), and
-- defaults are set afterwards so they apply to new rows only.
CREATE SCHEMA IF NOT EXISTS core;

CREATE TABLE IF NOT EXISTS core.tb_entity_change_log (
    pk_entity_change_log BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id                   UUID        NOT NULL DEFAULT gen_random_uuid(),
    created_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    tenant_id            UUID,
    fk_customer_org      BIGINT,
    fk_contact           BIGINT,
    object_type          TEXT        NOT NULL,
    object_id            UUID,
    modification_type    TEXT        NOT NULL,
    object_data          JSONB,
    object_data_before   JSONB,
    updated_fields       TEXT[],
    cascade              JSONB,
    trace_id             TEXT,
    trace_context        JSONB,
    change_status        TEXT,
    extra_metadata       JSONB
);

ALTER TABLE core.tb_entity_change_log ADD COLUMN IF NOT EXISTS id UUID;
ALTER TABLE core.tb_entity_change_log ALTER COLUMN id SET DEFAULT gen_random_uuid();
ALTER TABLE core.tb_entity_change_log ADD COLUMN IF NOT EXISTS created_at TIMESTAMPTZ;
ALTER TABLE core.tb_entity_change_log ALTER COLUMN created_at SET DEFAULT now();
ALTER TABLE core.tb_entity_change_log ADD COLUMN IF NOT EXISTS tenant_id UUID;
ALTER TABLE core.tb_entity_change_log ADD COLUMN IF NOT EXISTS fk_customer_org BIGINT;
ALTER TABLE core.tb_entity_change_log ADD COLUMN IF NOT EXISTS fk_contact BIGINT;
ALTER TABLE core.tb_entity_change_log ADD COLUMN IF NOT EXISTS object_id UUID;
ALTER TABLE core.tb_entity_change_log ADD COLUMN IF NOT EXISTS object_data JSONB;
ALTER TABLE core.tb_entity_change_log ADD COLUMN IF NOT EXISTS object_data_before JSONB;
ALTER TABLE core.tb_entity_change_log ADD COLUMN IF NOT EXISTS updated_fields TEXT[];
ALTER TABLE core.tb_entity_change_log ADD COLUMN IF NOT EXISTS cascade JSONB;
ALTER TABLE core.tb_entity_change_log ADD COLUMN IF NOT EXISTS trace_id TEXT;
ALTER TABLE core.tb_entity_change_log ADD COLUMN IF NOT EXISTS trace_context JSONB;
ALTER TABLE core.tb_entity_change_log ADD COLUMN IF NOT EXISTS change_status TEXT;
ALTER TABLE core.tb_entity_change_log ADD COLUMN IF NOT EXISTS extra_metadata JSONB;

-- The writing transaction's id: rows are read in (txid, pk) order and only once their transaction
-- is older than every running one, so a row whose transaction commits late is never skipped.
-- Added bare, then defaulted: existing rows keep NULL and are read as older than any new row.
ALTER TABLE core.tb_entity_change_log ADD COLUMN IF NOT EXISTS txid xid8;
ALTER TABLE core.tb_entity_change_log ALTER COLUMN txid SET DEFAULT pg_current_xact_id();

-- Wakes the listeners at commit. One notification per statement, and PostgreSQL folds identical
-- notifications of one transaction into one; the payload is empty because listeners re-read the log.
CREATE OR REPLACE FUNCTION core.observers_notify_change_log() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('observers_change_log', '');
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS observers_notify_change_log ON core.tb_entity_change_log;
CREATE TRIGGER observers_notify_change_log
    AFTER INSERT ON core.tb_entity_change_log
    FOR EACH STATEMENT EXECUTE FUNCTION core.observers_notify_change_log();

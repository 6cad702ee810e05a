-- Checkpoints, in FraiseQL's table (migration 02 of fraiseql-observers) so a FraiseQL deployment's
-- rows stay readable. The daemon's position is (last_txid, last_processed_id): see
-- V1__change_log.sql for why the transaction id is part of it.
CREATE TABLE IF NOT EXISTS public.observer_checkpoints (
    listener_id        VARCHAR(255) PRIMARY KEY,
    last_processed_id  BIGINT NOT NULL DEFAULT 0,
    last_processed_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    batch_size         INT NOT NULL DEFAULT 100,
    event_count        INT NOT NULL DEFAULT 0,
    consecutive_errors INT NOT NULL DEFAULT 0,
    last_error         TEXT,
    updated_by         VARCHAR(255),
    updated_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT valid_ids CHECK (last_processed_id >= 0),
    CONSTRAINT valid_errors CHECK (consecutive_errors >= 0)
);

ALTER TABLE public.observer_checkpoints ADD COLUMN IF NOT EXISTS last_txid xid8;
ALTER TABLE public.observer_checkpoints ADD COLUMN IF NOT EXISTS events_total BIGINT;
ALTER TABLE public.observer_checkpoints ALTER COLUMN events_total SET DEFAULT 0;

-- Dead letters: one row per (event, observer, action) whose retries ran out, or per change-log row
-- the daemon could not read. Kept until retried to success or purged by an operator.
CREATE TABLE IF NOT EXISTS core.observer_dead_letters (
    pk_dead_letter  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    listener_id     TEXT        NOT NULL,
    observer_name   TEXT,
    action_index    INT,
    action_type     TEXT,
    change_log_pk   BIGINT      NOT NULL,
    event_id        UUID,
    object_type     TEXT,
    object_id       UUID,
    event           JSONB,
    error           TEXT        NOT NULL,
    error_kind      TEXT        NOT NULL,
    attempts        INT         NOT NULL DEFAULT 0,
    status          TEXT        NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'retrying', 'resolved')),
    first_failed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_failed_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    resolved_at     TIMESTAMPTZ
);

CREATE INDEX IF NOT EXISTS observer_dead_letters_pending
    ON core.observer_dead_letters (observer_name, first_failed_at) WHERE status <> 'resolved';
CREATE UNIQUE INDEX IF NOT EXISTS observer_dead_letters_one_per_action
    ON core.observer_dead_letters (listener_id, change_log_pk, COALESCE(observer_name, ''), COALESCE(action_index, -1))
    WHERE status <> 'resolved';

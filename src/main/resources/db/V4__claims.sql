-- Claims: every cursor row of observer_checkpoints can be owned by one running daemon until its lease
-- expires (see the claim package). A row without an owner, or whose lease has expired, is free to take.
ALTER TABLE public.observer_checkpoints ADD COLUMN IF NOT EXISTS owner VARCHAR(255);
ALTER TABLE public.observer_checkpoints ADD COLUMN IF NOT EXISTS lease_expires_at TIMESTAMPTZ;

-- The daemons sharing this database: each renews its row while it runs, so the others know how many
-- share the claims (a fair share is the claims divided by the live daemons).
CREATE TABLE IF NOT EXISTS public.observer_daemons (
    instance     VARCHAR(255) PRIMARY KEY,
    started_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    heartbeat_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

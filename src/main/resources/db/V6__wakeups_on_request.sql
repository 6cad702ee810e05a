-- Writers notify only while a daemon asks for it. NOTIFY serialises the commits of every notifying
-- transaction (PostgreSQL holds one lock from before the commit record until after its flush), which halved
-- the insert rate of eight concurrent writers. A daemon that is following a stream reads on its own, every
-- few milliseconds, and asks for no notification; one that has found nothing for a while asks for them
-- again (wakeup_until, renewed with its heartbeat, so a daemon that died stops costing writers within a
-- lease). Rows of daemons from before this column keep being notified.
ALTER TABLE public.observer_daemons ADD COLUMN IF NOT EXISTS wakeup_until TIMESTAMPTZ;
UPDATE public.observer_daemons SET wakeup_until = 'infinity' WHERE wakeup_until IS NULL;

CREATE OR REPLACE FUNCTION core.observers_notify_change_log() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM public.observer_daemons WHERE wakeup_until > now()) THEN
        PERFORM pg_notify('observers_change_log', '');
    END IF;
    RETURN NULL;
END
$$;

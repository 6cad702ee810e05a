-- Projections: the last target each child entity of a key cascade had, as the daemon saw it, so a
-- child that moves (a comment to another post) refreshes its old target too when the change log
-- carries no before image. Written in the refresh's transaction; `projections rebuild` re-seeds it.
CREATE TABLE IF NOT EXISTS public.observer_projection_lineage (
    projection  TEXT NOT NULL,
    lineage_key TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    target_id   TEXT NOT NULL,
    PRIMARY KEY (projection, lineage_key, entity_id)
);

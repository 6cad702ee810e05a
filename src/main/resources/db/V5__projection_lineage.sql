-- Projections: the last target each child entity of a key cascade had, as the daemon saw it, so a
-- child that moves (a comment to another post) refreshes its old target too when the change log
-- carries no before image. Written in the refresh's transaction; `projections rebuild` re-seeds it.
-- event_pk is the change-log row that said so: of two writers moving one child, the one that waited
-- for the other's row lock inserts its log row later, so the highest pk is the child's real target
-- even when the log's order (by transaction id) puts that row first.
CREATE TABLE IF NOT EXISTS public.observer_projection_lineage (
    projection  TEXT NOT NULL,
    lineage_key TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    target_id   TEXT NOT NULL,
    event_pk    BIGINT NOT NULL,
    PRIMARY KEY (projection, lineage_key, entity_id)
);

-- The demo's sample domain: a small blog. Writes go to the tb_* tables and, in the same
-- transaction, to core.tb_entity_change_log, as a FraiseQL mutation does. The tv_* tables are
-- the denormalised read side the daemon keeps up to date.
CREATE SCHEMA IF NOT EXISTS blog;

CREATE TABLE IF NOT EXISTS blog.tb_user (
    id         UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    email      TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS blog.tb_post (
    id         UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    fk_author  UUID NOT NULL REFERENCES blog.tb_user (id),
    title      TEXT NOT NULL,
    status     TEXT NOT NULL DEFAULT 'draft',
    body       TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS blog.tb_comment (
    id         UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    fk_post    UUID NOT NULL REFERENCES blog.tb_post (id) ON DELETE CASCADE,
    fk_author  UUID NOT NULL REFERENCES blog.tb_user (id),
    body       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS blog.tv_user (
    id         UUID PRIMARY KEY,
    data       JSONB NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS blog.tv_post (
    id         UUID PRIMARY KEY,
    data       JSONB NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

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

CREATE OR REPLACE VIEW blog.v_post AS
SELECT p.id,
       jsonb_build_object('id', p.id, 'title', p.title, 'status', p.status,
                          'author', jsonb_build_object('id', u.id, 'name', u.name),
                          'comments', COALESCE((SELECT jsonb_agg(jsonb_build_object('id', c.id, 'body', c.body,
                                                                                    'author', cu.name)
                                                                 ORDER BY c.created_at, c.id)
                                                  FROM blog.tb_comment c JOIN blog.tb_user cu ON cu.id = c.fk_author
                                                 WHERE c.fk_post = p.id), '[]'::jsonb)) AS data
  FROM blog.tb_post p JOIN blog.tb_user u ON u.id = p.fk_author;

CREATE OR REPLACE VIEW blog.v_user AS
SELECT u.id,
       jsonb_build_object('id', u.id, 'name', u.name, 'email', u.email,
                          'posts', (SELECT count(*) FROM blog.tb_post p WHERE p.fk_author = u.id)) AS data
  FROM blog.tb_user u;

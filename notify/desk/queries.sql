-- The desk's statements (package notify/desk), loaded into its tagged
-- struct by cases/sqlset when the desk is made. The desk owns the tables
-- staff_actions (each staff request once), bulletins and bulletin_targets,
-- desk_templates (the reply templates);
-- what it needs of other tables it asks their packages for.

-- name: staff-action
-- A staff request of a surface, once: a platform's retry inserts nothing.
INSERT INTO staff_actions (platform, interaction_id, platform_user, serial, action, at)
VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING;

-- name: insert-bulletin
-- A concurrent post with the same key waits here for the first to end;
-- with a key used before, nothing is returned.
INSERT INTO bulletins (key, title, body, communities, cases, created_by, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (key) DO NOTHING RETURNING id;

-- name: bulletin-by-key
SELECT id FROM bulletins WHERE key = $1;

-- name: bulletin-exists
SELECT EXISTS (SELECT 1 FROM bulletins WHERE id = $1);

-- name: insert-targets
-- Targets of bulletin $1 at $2, in order: channel, chat, community, case
-- serial, outbox row (NULL: a web owner, written to the transcript).
INSERT INTO bulletin_targets (bulletin_id, channel, chat_id, community, case_serial, outbox_id, created_at)
SELECT $1, channel, chat_id, community, case_serial, outbox_id, $2
FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[]) WITH ORDINALITY
     AS t(channel, chat_id, community, case_serial, outbox_id, n)
ORDER BY n;

-- name: bulletin-targets
-- A target's sent_at is when it was written, until its outbox row says.
SELECT channel, chat_id, community, case_serial, outbox_id, created_at AS sent_at
FROM bulletin_targets WHERE bulletin_id = $1 ORDER BY id;

-- name: bulletin-rows
SELECT outbox_id FROM bulletin_targets WHERE bulletin_id = $1 AND outbox_id IS NOT NULL;

-- name: bulletins
-- The newest $1 bulletins, as a console lists them.
SELECT id, COALESCE(key, '') AS key, title, body, communities, cases, created_by, created_at
FROM bulletins ORDER BY id DESC LIMIT $1;

-- name: bulletin
SELECT id, COALESCE(key, '') AS key, title, body, communities, cases, created_by, created_at
FROM bulletins WHERE id = $1;

-- ── reply templates (templates.go): desk_templates ─────────────────────

-- name: templates
-- The templates of kind $1 ('' for every kind) that fit category $2 ('':
-- any): the category's own first, then those for every category, by title.
SELECT id, kind, title, body, category, updated_by, updated_at FROM desk_templates
WHERE ($1 = '' OR kind = $1) AND ($2 = '' OR category IN ($2, ''))
ORDER BY kind, (category = '') , category, title, id
LIMIT 500;

-- name: template
SELECT id, kind, title, body, category, updated_by, updated_at FROM desk_templates WHERE id = $1;

-- name: insert-template
INSERT INTO desk_templates (kind, title, body, category, updated_by, updated_at)
VALUES ($1, $2, $3, $4, $5, $6) RETURNING id;

-- name: update-template
UPDATE desk_templates SET kind = $2, title = $3, body = $4, category = $5, updated_by = $6, updated_at = $7
WHERE id = $1;

-- name: delete-template
DELETE FROM desk_templates WHERE id = $1;

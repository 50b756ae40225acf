-- The desk's own tables (migration 00130_desk_console.sql): sign-in links,
-- sign-in requests by client address, sessions. Loaded by cases/sqlset.

-- name: lock
-- Serialises the sign-in requests of one client address (its rate limit).
SELECT pg_advisory_xact_lock(hashtextextended('desk_signin:' || $1, 0));

-- name: prune-requests
DELETE FROM desk_signin_requests WHERE at < $1;

-- name: prune-links
DELETE FROM desk_signin_links WHERE created_at < $1;

-- name: count-requests
SELECT count(*) FROM desk_signin_requests WHERE client = $1 AND at > $2;

-- name: record-request
INSERT INTO desk_signin_requests (client, at) VALUES ($1, $2);

-- name: count-links
SELECT count(*) FROM desk_signin_links WHERE person = $1 AND created_at > $2;

-- name: insert-link
INSERT INTO desk_signin_links (person, token_hash, next_path, client, created_at, expires_at)
VALUES ($1, $2, $3, $4, $5, $6);

-- name: link-usable
SELECT count(*) FROM desk_signin_links WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2;

-- name: use-link
-- Single use: of two browsers opening one link at once, one gets the row.
UPDATE desk_signin_links SET used_at = $2
WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2
RETURNING person, next_path;

-- name: insert-session
INSERT INTO desk_sessions (person, token_hash, client, user_agent, created_at, last_seen_at, expires_at)
VALUES ($1, $2, $3, $4, $5, $5, $6)
RETURNING id;

-- name: session
-- A live session: not revoked, not expired, not idle since $3.
SELECT id, person, last_seen_at FROM desk_sessions
WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > $2 AND last_seen_at > $3;

-- name: touch-session
UPDATE desk_sessions SET last_seen_at = $2 WHERE id = $1;

-- name: revoke-session
UPDATE desk_sessions SET revoked_at = $3 WHERE id = $1 AND person = $2 AND revoked_at IS NULL;

-- name: revoke-sessions
UPDATE desk_sessions SET revoked_at = $2 WHERE person = $1 AND revoked_at IS NULL;

-- name: sessions
SELECT id, client, user_agent, created_at, last_seen_at FROM desk_sessions
WHERE person = $1 AND revoked_at IS NULL AND expires_at > $2 AND last_seen_at > $3
ORDER BY last_seen_at DESC;

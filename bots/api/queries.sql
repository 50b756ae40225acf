-- The statements of bots/api, which owns the table api_tokens (person
-- tokens: their hashes, never the tokens).

-- name: insert-token
INSERT INTO api_tokens (name, person, hash, read_only, created_at, expires_at)
VALUES ($1, $2, $3, $4, $5, $6) RETURNING id;

-- name: tokens
SELECT id, name, person, read_only, created_at, expires_at, revoked_at
FROM api_tokens ORDER BY id DESC;

-- name: revoke-token
UPDATE api_tokens SET revoked_at = $3
WHERE revoked_at IS NULL AND (name = $1 OR id = $2)
RETURNING id, name, person, read_only, created_at, expires_at, revoked_at;

-- name: token-by-hash
SELECT id, name, person, read_only, created_at, expires_at, revoked_at, hash
FROM api_tokens WHERE hash = $1;

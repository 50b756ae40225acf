-- +goose Up
-- Per-person API tokens (heed token create): a call made with one acts as
-- that staff member, under the procedure's permissions. Only the SHA-256 of
-- the token is kept; the token itself is printed once. Revocation and
-- expiry are read here on every request, so they hold at once on every
-- replica.
CREATE TABLE api_tokens (
    id         bigserial PRIMARY KEY,
    name       text NOT NULL,
    person     text NOT NULL,
    hash       bytea NOT NULL UNIQUE,
    read_only  boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz,
    revoked_at timestamptz
);
-- A name is the token's label in every case event it signs: one live token per name.
CREATE UNIQUE INDEX api_tokens_live_name ON api_tokens (name) WHERE revoked_at IS NULL;

-- +goose Down
DROP TABLE api_tokens;

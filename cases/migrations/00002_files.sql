-- +goose Up
-- Original material an owner sends (photos, voice, files), kept in the
-- database so that every heed serve sees it and a backup holds it.
CREATE TABLE files (
    id         bigserial PRIMARY KEY,
    sha256     text NOT NULL,
    name       text NOT NULL DEFAULT '',
    mime       text NOT NULL DEFAULT 'application/octet-stream',
    size       bigint NOT NULL,
    data       bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX files_sha256_idx ON files (sha256);

-- +goose Down
DROP TABLE files;

-- +goose Up
-- The answer to the owner a specialist approved together with the measures
-- of a major complaint: it is sent when the general manager approves them.
ALTER TABLE cases ADD COLUMN reply_draft text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE cases DROP COLUMN reply_draft;

-- +goose Up
-- Revisits (回访): one row per case chosen for a revisit (or skipped, with
-- the reason), so coverage, reminders and the call list of owners who did
-- not answer are facts in the database, not guesses.
CREATE TABLE revisits (
    serial          text PRIMARY KEY,
    seq             bigint NOT NULL,      -- order among the cases considered, for exact sampling
    selected        boolean NOT NULL,
    skipped_reason  text NOT NULL DEFAULT '',
    sent_at         timestamptz,
    reminded_at     timestamptz,
    answered_at     timestamptz,
    no_response_at  timestamptz,
    created_at      timestamptz NOT NULL
);
CREATE INDEX revisits_waiting_idx ON revisits (sent_at) WHERE answered_at IS NULL AND no_response_at IS NULL AND sent_at IS NOT NULL;

-- +goose Down
DROP TABLE revisits;

-- +goose Up
-- A send is claimed in a committed transaction of its own ('sending', with
-- the claiming worker's id) before it goes out, and its outcome is recorded
-- in another: no transaction or row lock is held while a platform answers.
-- A 'sending' row whose worker is gone (its advisory lock released) had an
-- outcome nobody recorded: it is reclaimed as uncertain. A reply to one owner
-- is then sent again (uncertain counts how often); a bulletin or mass send is
-- left in state 'uncertain' for a person to resend or not.
ALTER TABLE outbox ADD COLUMN claimed_by int NOT NULL DEFAULT 0,
                   ADD COLUMN claimed_at timestamptz,
                   ADD COLUMN uncertain  int NOT NULL DEFAULT 0;
CREATE INDEX outbox_sending_idx ON outbox (claimed_by) WHERE state = 'sending';
-- A chat's next message waits while an older one is pending or being sent.
CREATE INDEX outbox_active_chat_idx ON outbox (channel, chat_id, id) WHERE state IN ('pending', 'sending');
DROP INDEX outbox_pending_chat_idx;
-- Reclaiming looks up whether a row belongs to a bulletin.
CREATE INDEX bulletin_targets_outbox_idx ON bulletin_targets (outbox_id);
-- Each running worker says every second that it lives: a worker whose lock
-- connection was cut but which still reaches the database keeps its sends.
CREATE TABLE outbox_workers (
    id      int PRIMARY KEY,
    seen_at timestamptz NOT NULL
);

-- +goose Down
DROP TABLE outbox_workers;
DROP INDEX bulletin_targets_outbox_idx;
CREATE INDEX outbox_pending_chat_idx ON outbox (channel, chat_id, id) WHERE state = 'pending';
DROP INDEX outbox_active_chat_idx;
DROP INDEX outbox_sending_idx;
UPDATE outbox SET state = 'pending' WHERE state IN ('sending', 'uncertain');
ALTER TABLE outbox DROP COLUMN uncertain, DROP COLUMN claimed_at, DROP COLUMN claimed_by;

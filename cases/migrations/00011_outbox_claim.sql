-- +goose Up
-- Workers claim one outbox row per transaction, oldest first, skipping a
-- chat whose older message is still pending: both lookups by index, so a
-- claim stays cheap however many rows wait (a 2,000-target bulletin).
CREATE INDEX outbox_pending_id_idx ON outbox (id) WHERE state = 'pending';
CREATE INDEX outbox_pending_chat_idx ON outbox (channel, chat_id, id) WHERE state = 'pending';

-- +goose Down
DROP INDEX outbox_pending_chat_idx;
DROP INDEX outbox_pending_id_idx;

-- +goose Up
-- An owner who blocked the bot (Telegram my_chat_member "kicked", or a 403
-- "bot was blocked by the user") or unfollowed the Official Account: heed
-- queues nothing more to them — revisits, surveys, bulletins, case updates —
-- and the specialists call them instead, as for 退订. Cleared when they
-- write again.
ALTER TABLE owner_profiles ADD COLUMN blocked_at timestamptz;
ALTER TABLE owner_profiles ADD COLUMN blocked_reason text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE owner_profiles DROP COLUMN blocked_reason;
ALTER TABLE owner_profiles DROP COLUMN blocked_at;

-- +goose Up
-- A staff member's reply to a prompt of the bot is matched to the prompt by
-- the message id the platform gave it (or its text): the prompts of a chat.
CREATE INDEX outbox_prompt_idx ON outbox (channel, chat_id, platform_message_id) WHERE payload ? 'prompt';

-- +goose Down
DROP INDEX outbox_prompt_idx;

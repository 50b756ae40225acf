-- +goose Up
-- When each deadline started running and when its reminder went out, so a
-- reminder at a share of the time (80 %) goes out once.
ALTER TABLE case_deadlines ADD COLUMN created_at timestamptz;
UPDATE case_deadlines d SET created_at = c.received_at FROM cases c WHERE c.id = d.case_id;
ALTER TABLE case_deadlines ALTER COLUMN created_at SET NOT NULL;
ALTER TABLE case_deadlines ADD COLUMN reminded_at timestamptz;

-- Cards posted in team chats: one per case, chat and kind, edited in place.
CREATE TABLE cards (
    serial     text NOT NULL,
    channel    text NOT NULL,
    chat_id    text NOT NULL,
    kind       text NOT NULL,
    message_id text NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (serial, channel, chat_id, kind)
);

-- Staff button presses, once each: the platform's interaction id.
CREATE TABLE staff_actions (
    platform       text NOT NULL,
    interaction_id text NOT NULL,
    platform_user  text NOT NULL,
    serial         text NOT NULL,
    action         text NOT NULL,
    at             timestamptz NOT NULL,
    PRIMARY KEY (platform, interaction_id)
);

-- +goose Down
DROP TABLE staff_actions;
DROP TABLE cards;
ALTER TABLE case_deadlines DROP COLUMN reminded_at;
ALTER TABLE case_deadlines DROP COLUMN created_at;

-- +goose Up
-- Every inbound message, once: the platform's id is the dedupe key, so a
-- platform's retry of a delivery changes nothing.
CREATE TABLE inbound_messages (
    id          bigserial PRIMARY KEY,
    channel     text NOT NULL,
    message_id  text NOT NULL,
    chat_id     text NOT NULL,
    user_id     text NOT NULL,
    kind        text NOT NULL,
    received_at timestamptz NOT NULL,
    UNIQUE (channel, message_id)
);

-- One conversation per (channel, person); the row lock serialises a person's
-- messages across every heed serve.
CREATE TABLE conversations (
    channel    text NOT NULL,
    user_id    text NOT NULL,
    chat_id    text NOT NULL,
    step       text NOT NULL DEFAULT 'idle',
    data       jsonb NOT NULL DEFAULT '{}',
    language   text NOT NULL DEFAULT '',
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (channel, user_id)
);

-- What an owner told us once (community, unit, name, phone), remembered for
-- the next complaint.
CREATE TABLE owner_profiles (
    owner_ref  text PRIMARY KEY,
    name       text NOT NULL DEFAULT '',
    phone      text NOT NULL DEFAULT '',
    community  text NOT NULL DEFAULT '',
    unit       text NOT NULL DEFAULT '',
    language   text NOT NULL DEFAULT '',
    updated_at timestamptz NOT NULL
);

-- The conversation as both sides saw it, verbatim.
CREATE TABLE transcript (
    id       bigserial PRIMARY KEY,
    channel  text NOT NULL,
    chat_id  text NOT NULL,
    sender   text NOT NULL, -- owner | heed
    text     text NOT NULL DEFAULT '',
    choices  jsonb NOT NULL DEFAULT '[]',
    at       timestamptz NOT NULL
);
CREATE INDEX transcript_chat_idx ON transcript (channel, chat_id, id);

-- Durable outbound: every message to send is a row, inserted in the
-- transaction that decided it and delivered after commit by the workers.
CREATE TABLE outbox (
    id                  bigserial PRIMARY KEY,
    channel             text NOT NULL,
    chat_id             text NOT NULL,
    kind                text NOT NULL DEFAULT 'message',
    payload             jsonb NOT NULL,
    case_serial         text NOT NULL DEFAULT '',
    state               text NOT NULL DEFAULT 'pending', -- pending | sent | dead
    attempts            int NOT NULL DEFAULT 0,
    next_attempt_at     timestamptz NOT NULL,
    last_error          text NOT NULL DEFAULT '',
    platform_message_id text NOT NULL DEFAULT '',
    created_at          timestamptz NOT NULL,
    sent_at             timestamptz
);
CREATE INDEX outbox_due_idx ON outbox (next_attempt_at) WHERE state = 'pending';

-- Values every heed serve must share, made once: the web chat's cookie key.
CREATE TABLE heed_settings (
    name  text PRIMARY KEY,
    value text NOT NULL
);

-- +goose Down
DROP TABLE heed_settings;
DROP TABLE outbox;
DROP TABLE transcript;
DROP TABLE owner_profiles;
DROP TABLE conversations;
DROP TABLE inbound_messages;

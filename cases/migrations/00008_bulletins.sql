-- +goose Up
-- Bulletins (公告): a specialist's notice to one or more communities'
-- residential groups (Telegram group, Slack channel, WeChat followers by tag)
-- and, individually, to the owners of the cases it resolves.
CREATE TABLE bulletins (
    id          bigserial PRIMARY KEY,
    key         text UNIQUE,            -- the client's idempotency key; NULL: none
    title       text NOT NULL DEFAULT '',
    body        text NOT NULL,
    communities text[] NOT NULL,
    cases       text[] NOT NULL DEFAULT '{}',
    created_by  text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL
);

-- One row per recipient of a bulletin, written in the transaction that posts
-- it, with the outbox row that carries it: the UNIQUE constraint means a
-- bulletin reaches a chat once, and the outbox row's state is the target's
-- progress. outbox_id is NULL for a web owner (the bulletin went straight
-- into the transcript). No foreign key on outbox, so that pruning sent rows
-- stays possible.
CREATE TABLE bulletin_targets (
    id          bigserial PRIMARY KEY,
    bulletin_id bigint NOT NULL REFERENCES bulletins (id),
    channel     text NOT NULL,
    chat_id     text NOT NULL,
    community   text NOT NULL DEFAULT '', -- a residential group or tag: its community
    case_serial text NOT NULL DEFAULT '', -- an owner: the linked case
    outbox_id   bigint,
    created_at  timestamptz NOT NULL,
    UNIQUE (bulletin_id, channel, chat_id)
);

-- +goose Down
DROP TABLE bulletin_targets;
DROP TABLE bulletins;

-- +goose Up
-- The photo bytes each web-chat session stored, for its daily budget
-- (bots/web): a row is booked before the photo is kept and removed if it
-- is not; rows older than a day are pruned as new ones are booked.
CREATE TABLE web_chat_uploads (
    id      bigserial PRIMARY KEY,
    session text NOT NULL,
    bytes   bigint NOT NULL,
    at      timestamptz NOT NULL
);
CREATE INDEX web_chat_uploads_session_at ON web_chat_uploads (session, at);
CREATE INDEX web_chat_uploads_at ON web_chat_uploads (at);

-- +goose Down
DROP TABLE web_chat_uploads;

-- +goose Up
-- What heed's understanding learns from (conversation/understanding.go):
-- a message whose category a person corrected — an owner picking another
-- category than heed proposed, a specialist or manager changing it — with
-- the final category and who decided. Every heed retrains from the whole
-- table in id order, so every replica learns the same model.
CREATE TABLE understanding_corrections (
    id          bigserial PRIMARY KEY,
    text        text NOT NULL,
    category    text NOT NULL,
    staff       boolean NOT NULL,        -- a specialist or manager (weighs more than an owner)
    actor       text NOT NULL,           -- owner ref or staff id
    serial      text NOT NULL DEFAULT '', -- the case, when there is one
    created_at  timestamptz NOT NULL
);

-- Messages that are no complaint: a question (咨询), a suggestion, praise.
-- They are recorded apart from cases, so praise is counted as praise and a
-- question is answered, never registered as a complaint.
CREATE TABLE owner_messages (
    id          bigserial PRIMARY KEY,
    kind        text NOT NULL CHECK (kind IN ('inquiry', 'suggestion', 'praise')),
    channel     text NOT NULL,
    owner_ref   text NOT NULL,
    category    text NOT NULL DEFAULT '', -- what it is about, as understood
    text        text NOT NULL,
    language    text NOT NULL,
    created_at  timestamptz NOT NULL
);
CREATE INDEX owner_messages_created_idx ON owner_messages (created_at);

-- +goose Down
DROP TABLE owner_messages;
DROP TABLE understanding_corrections;
